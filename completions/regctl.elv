
use builtin;
use str;

set edit:completion:arg-completer[regctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'regctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'regctl'= {
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand login 'Log in to a registry and store the credential'
            cand logout 'Remove a registry''s stored credential'
            cand pull 'Pull an image from a registry into the local store'
            cand push 'Push an image from the local store to its registry'
            cand tag 'Give an image in the local store another name'
            cand images 'List the images in the local store'
            cand rmi 'Remove images from the local store'
            cand copy 'Copy an image from registry to registry, with nothing written to disk'
            cand inspect 'Show an image''s manifest (or its config) from the registry'
            cand digest 'Print the digest a reference points at in the registry'
            cand tags 'List the tags of a repository'
            cand catalog 'List the repositories of a registry'
            cand delete 'Delete an image (a manifest, by digest) from the registry'
            cand save 'Write images from the local store to a docker or OCI archive (a tar)'
            cand load 'Load images from a docker or OCI archive into the local store'
            cand containerd 'Configure containerd''s registry access (mirrors, TLS, credentials) safely'
            cand completion 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;login'= {
            cand -u 'Username'
            cand --username 'Username'
            cand -p 'Password (visible to other users in the process list: prefer --password-stdin)'
            cand --password 'Password (visible to other users in the process list: prefer --password-stdin)'
            cand --store 'Where to store the credential [default: a credential helper configured in docker''s config, else the OS keyring, else the credentials file]'
            cand --ca-file 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots'
            cand --cert-file 'Client certificate (PEM) to present to the registry'
            cand --key-file 'Private key (PEM) of --cert-file'
            cand --auth-file 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]'
            cand --password-stdin 'Read the password from stdin'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
            cand --plain-http 'Talk plain HTTP to the registry'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'regctl;logout'= {
            cand --auth-file 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;pull'= {
            cand --platform 'Platform to pull from a multi-platform image (repeatable) [default: this host''s]'
            cand --concurrency 'Blobs transferred at once'
            cand --store 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]'
            cand --ca-file 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots'
            cand --cert-file 'Client certificate (PEM) to present to the registry'
            cand --key-file 'Private key (PEM) of --cert-file'
            cand --auth-file 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]'
            cand --all-platforms 'Pull every platform of a multi-platform image'
            cand -q 'Print only the result (the digest)'
            cand --quiet 'Print only the result (the digest)'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
            cand --plain-http 'Talk plain HTTP to the registry'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;push'= {
            cand --chunk-size 'Upload blobs in PATCH chunks of this many bytes instead of one PUT each'
            cand --concurrency 'Blobs transferred at once'
            cand --store 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]'
            cand --ca-file 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots'
            cand --cert-file 'Client certificate (PEM) to present to the registry'
            cand --key-file 'Private key (PEM) of --cert-file'
            cand --auth-file 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]'
            cand -q 'Print only the result (the digest)'
            cand --quiet 'Print only the result (the digest)'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
            cand --plain-http 'Talk plain HTTP to the registry'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;tag'= {
            cand --store 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;images'= {
            cand --format 'Output format'
            cand --store 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]'
            cand -q 'Only the digests, each once (for `regctl rmi $(regctl images -q)`)'
            cand --quiet 'Only the digests, each once (for `regctl rmi $(regctl images -q)`)'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;rmi'= {
            cand --store 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]'
            cand -f 'A name that is not in the store is no error (the others are removed either way)'
            cand --force 'A name that is not in the store is no error (the others are removed either way)'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;copy'= {
            cand --platform 'Copy only these platforms of a multi-platform image (repeatable): one platform copies that platform''s image itself (as crane and skopeo do), several an index of those, which gets a new digest [default: the whole index, digest preserved]'
            cand --concurrency 'Blobs transferred at once'
            cand --ca-file 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots'
            cand --cert-file 'Client certificate (PEM) to present to the registry'
            cand --key-file 'Private key (PEM) of --cert-file'
            cand --auth-file 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]'
            cand --all-tags 'Copy every tag of the source repository'
            cand -q 'Print only the result (the digest)'
            cand --quiet 'Print only the result (the digest)'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
            cand --plain-http 'Talk plain HTTP to the registry'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;inspect'= {
            cand --platform 'For a multi-platform image, show this platform''s manifest (or config)'
            cand --ca-file 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots'
            cand --cert-file 'Client certificate (PEM) to present to the registry'
            cand --key-file 'Private key (PEM) of --cert-file'
            cand --auth-file 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]'
            cand --config 'Show the image''s config instead of its manifest'
            cand --raw 'Print the exact bytes the registry sent'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
            cand --plain-http 'Talk plain HTTP to the registry'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;digest'= {
            cand --platform 'For a multi-platform image, the digest of this platform''s image'
            cand --ca-file 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots'
            cand --cert-file 'Client certificate (PEM) to present to the registry'
            cand --key-file 'Private key (PEM) of --cert-file'
            cand --auth-file 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
            cand --plain-http 'Talk plain HTTP to the registry'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;tags'= {
            cand --format 'Output format'
            cand --page-size 'Tags to ask for per request (the registry may send fewer)'
            cand --ca-file 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots'
            cand --cert-file 'Client certificate (PEM) to present to the registry'
            cand --key-file 'Private key (PEM) of --cert-file'
            cand --auth-file 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
            cand --plain-http 'Talk plain HTTP to the registry'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;catalog'= {
            cand --format 'Output format'
            cand --page-size 'Repositories to ask for per request (the registry may send fewer)'
            cand --ca-file 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots'
            cand --cert-file 'Client certificate (PEM) to present to the registry'
            cand --key-file 'Private key (PEM) of --cert-file'
            cand --auth-file 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
            cand --plain-http 'Talk plain HTTP to the registry'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;delete'= {
            cand --ca-file 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots'
            cand --cert-file 'Client certificate (PEM) to present to the registry'
            cand --key-file 'Private key (PEM) of --cert-file'
            cand --auth-file 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]'
            cand -y 'Do not ask for confirmation at a terminal'
            cand --yes 'Do not ask for confirmation at a terminal'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
            cand --plain-http 'Talk plain HTTP to the registry'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;save'= {
            cand -o 'The archive to write, or - for stdout (never a terminal)'
            cand --output 'The archive to write, or - for stdout (never a terminal)'
            cand --format 'Archive format'
            cand --platform 'The image to take from a multi-platform one (docker format only) [default: this host''s]'
            cand --store 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'regctl;load'= {
            cand -i 'The archive to read, or - for stdin: docker save output (any docker version), a docker-archive or oci-archive (skopeo), or ctr images export output; plain or gzipped'
            cand --input 'The archive to read, or - for stdin: docker save output (any docker version), a docker-archive or oci-archive (skopeo), or ctr images export output; plain or gzipped'
            cand --store 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;containerd'= {
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand configure 'Configure how containerd (CRI) reaches a registry: mirror, TLS, credentials'
            cand show 'Show what containerd will use for each registry (endpoints, TLS, whether auth is set)'
            cand remove 'Remove a registry''s hosts.toml, legacy mirrors and configs (TLS, credentials)'
            cand rollback 'Restore the newest backup regctl made (a rollback is itself backed up)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;containerd;configure'= {
            cand --mirror-of 'REGISTRY is a mirror of this upstream (e.g. docker.io): pulls of UPSTREAM images try it first'
            cand --endpoint 'URL REGISTRY answers at (repeatable, tried in order) [default: https://REGISTRY]'
            cand -u 'Username for containerd to log in with (default: the credential stored by `regctl login REGISTRY`)'
            cand --username 'Username for containerd to log in with (default: the credential stored by `regctl login REGISTRY`)'
            cand --mode 'Where to write the registry''s settings'
            cand --ca-file 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots'
            cand --cert-file 'Client certificate (PEM) to present to the registry'
            cand --key-file 'Private key (PEM) of --cert-file'
            cand --auth-file 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]'
            cand --config 'containerd''s config file'
            cand --hosts-dir 'Directory of the hosts.toml files [default: config_path from the config, else certs.d next to it]'
            cand --restart-command 'Command (run by sh -c) that restarts containerd [default: systemctl restart containerd, else service containerd restart]'
            cand --address 'containerd''s socket, for the health check after a restart [default: config.toml''s [grpc] address, else /run/containerd/containerd.sock]'
            cand --timeout 'Seconds to wait for the restart and for containerd to come back healthy'
            cand --password-stdin 'Read the password for --username from stdin'
            cand --no-auth 'Configure no credentials (and remove any set for the registry)'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
            cand --plain-http 'Talk plain HTTP to the registry'
            cand --dry-run 'Print a unified diff of every file that would change, and change nothing'
            cand --no-restart 'Write the files but do not restart containerd'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'regctl;containerd;show'= {
            cand --config 'containerd''s config file'
            cand --format 'Output format'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;containerd;remove'= {
            cand --config 'containerd''s config file'
            cand --hosts-dir 'Directory of the hosts.toml files [default: config_path from the config, else certs.d next to it]'
            cand --restart-command 'Command (run by sh -c) that restarts containerd [default: systemctl restart containerd, else service containerd restart]'
            cand --address 'containerd''s socket, for the health check after a restart [default: config.toml''s [grpc] address, else /run/containerd/containerd.sock]'
            cand --timeout 'Seconds to wait for the restart and for containerd to come back healthy'
            cand --dry-run 'Print a unified diff of every file that would change, and change nothing'
            cand --no-restart 'Write the files but do not restart containerd'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;containerd;rollback'= {
            cand --config 'containerd''s config file'
            cand --hosts-dir 'Directory of the hosts.toml files [default: config_path from the config, else certs.d next to it]'
            cand --restart-command 'Command (run by sh -c) that restarts containerd [default: systemctl restart containerd, else service containerd restart]'
            cand --address 'containerd''s socket, for the health check after a restart [default: config.toml''s [grpc] address, else /run/containerd/containerd.sock]'
            cand --timeout 'Seconds to wait for the restart and for containerd to come back healthy'
            cand --dry-run 'Print a unified diff of every file that would change, and change nothing'
            cand --no-restart 'Write the files but do not restart containerd'
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;containerd;help'= {
            cand configure 'Configure how containerd (CRI) reaches a registry: mirror, TLS, credentials'
            cand show 'Show what containerd will use for each registry (endpoints, TLS, whether auth is set)'
            cand remove 'Remove a registry''s hosts.toml, legacy mirrors and configs (TLS, credentials)'
            cand rollback 'Restore the newest backup regctl made (a rollback is itself backed up)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;containerd;help;configure'= {
        }
        &'regctl;containerd;help;show'= {
        }
        &'regctl;containerd;help;remove'= {
        }
        &'regctl;containerd;help;rollback'= {
        }
        &'regctl;containerd;help;help'= {
        }
        &'regctl;completion'= {
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;help'= {
            cand login 'Log in to a registry and store the credential'
            cand logout 'Remove a registry''s stored credential'
            cand pull 'Pull an image from a registry into the local store'
            cand push 'Push an image from the local store to its registry'
            cand tag 'Give an image in the local store another name'
            cand images 'List the images in the local store'
            cand rmi 'Remove images from the local store'
            cand copy 'Copy an image from registry to registry, with nothing written to disk'
            cand inspect 'Show an image''s manifest (or its config) from the registry'
            cand digest 'Print the digest a reference points at in the registry'
            cand tags 'List the tags of a repository'
            cand catalog 'List the repositories of a registry'
            cand delete 'Delete an image (a manifest, by digest) from the registry'
            cand save 'Write images from the local store to a docker or OCI archive (a tar)'
            cand load 'Load images from a docker or OCI archive into the local store'
            cand containerd 'Configure containerd''s registry access (mirrors, TLS, credentials) safely'
            cand completion 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;help;login'= {
        }
        &'regctl;help;logout'= {
        }
        &'regctl;help;pull'= {
        }
        &'regctl;help;push'= {
        }
        &'regctl;help;tag'= {
        }
        &'regctl;help;images'= {
        }
        &'regctl;help;rmi'= {
        }
        &'regctl;help;copy'= {
        }
        &'regctl;help;inspect'= {
        }
        &'regctl;help;digest'= {
        }
        &'regctl;help;tags'= {
        }
        &'regctl;help;catalog'= {
        }
        &'regctl;help;delete'= {
        }
        &'regctl;help;save'= {
        }
        &'regctl;help;load'= {
        }
        &'regctl;help;containerd'= {
            cand configure 'Configure how containerd (CRI) reaches a registry: mirror, TLS, credentials'
            cand show 'Show what containerd will use for each registry (endpoints, TLS, whether auth is set)'
            cand remove 'Remove a registry''s hosts.toml, legacy mirrors and configs (TLS, credentials)'
            cand rollback 'Restore the newest backup regctl made (a rollback is itself backed up)'
        }
        &'regctl;help;containerd;configure'= {
        }
        &'regctl;help;containerd;show'= {
        }
        &'regctl;help;containerd;remove'= {
        }
        &'regctl;help;containerd;rollback'= {
        }
        &'regctl;help;completion'= {
        }
        &'regctl;help;help'= {
        }
    ]
    $completions[$command]
}
