# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_regctl_global_optspecs
    string join \n v/verbose h/help V/version
end

function __fish_regctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_regctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_regctl_using_subcommand
    set -l cmd (__fish_regctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c regctl -n "__fish_regctl_needs_command" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regctl -n "__fish_regctl_needs_command" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "login" -d 'Log in to a registry and store the credential'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "logout" -d 'Remove a registry\'s stored credential'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "pull" -d 'Pull an image from a registry into the local store'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "push" -d 'Push an image from the local store to its registry'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "tag" -d 'Give an image in the local store another name'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "images" -d 'List the images in the local store'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "rmi" -d 'Remove images from the local store'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "copy" -d 'Copy an image from registry to registry, with nothing written to disk'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "inspect" -d 'Show an image\'s manifest (or its config) from the registry'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "digest" -d 'Print the digest a reference points at in the registry'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "tags" -d 'List the tags of a repository'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "catalog" -d 'List the repositories of a registry'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "delete" -d 'Delete an image (a manifest, by digest) from the registry'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "save" -d 'Write images from the local store to a docker or OCI archive (a tar)'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "load" -d 'Load images from a docker or OCI archive into the local store'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "containerd" -d 'Configure containerd\'s registry access (mirrors, TLS, credentials) safely'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand login" -s u -l username -d 'Username' -r
complete -c regctl -n "__fish_regctl_using_subcommand login" -s p -l password -d 'Password (visible to other users in the process list: prefer --password-stdin)' -r
complete -c regctl -n "__fish_regctl_using_subcommand login" -l store -d 'Where to store the credential [default: a credential helper configured in docker\'s config, else the OS keyring, else the credentials file]' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'docker\'s config.json, mode 0600, unencrypted'"
complete -c regctl -n "__fish_regctl_using_subcommand login" -l ca-file -d 'Trust this CA certificate (PEM) for the registry, in addition to the system\'s roots' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand login" -l cert-file -d 'Client certificate (PEM) to present to the registry' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand login" -l key-file -d 'Private key (PEM) of --cert-file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand login" -l auth-file -d 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand login" -l password-stdin -d 'Read the password from stdin'
complete -c regctl -n "__fish_regctl_using_subcommand login" -l insecure -d 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand login" -l plain-http -d 'Talk plain HTTP to the registry'
complete -c regctl -n "__fish_regctl_using_subcommand login" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regctl -n "__fish_regctl_using_subcommand logout" -l auth-file -d 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand logout" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand logout" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand pull" -l platform -d 'Platform to pull from a multi-platform image (repeatable) [default: this host\'s]' -r
complete -c regctl -n "__fish_regctl_using_subcommand pull" -l concurrency -d 'Blobs transferred at once' -r
complete -c regctl -n "__fish_regctl_using_subcommand pull" -l store -d 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory\'s regctl/store]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand pull" -l ca-file -d 'Trust this CA certificate (PEM) for the registry, in addition to the system\'s roots' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand pull" -l cert-file -d 'Client certificate (PEM) to present to the registry' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand pull" -l key-file -d 'Private key (PEM) of --cert-file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand pull" -l auth-file -d 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand pull" -l all-platforms -d 'Pull every platform of a multi-platform image'
complete -c regctl -n "__fish_regctl_using_subcommand pull" -s q -l quiet -d 'Print only the result (the digest)'
complete -c regctl -n "__fish_regctl_using_subcommand pull" -l insecure -d 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand pull" -l plain-http -d 'Talk plain HTTP to the registry'
complete -c regctl -n "__fish_regctl_using_subcommand pull" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand pull" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand push" -l chunk-size -d 'Upload blobs in PATCH chunks of this many bytes instead of one PUT each' -r
complete -c regctl -n "__fish_regctl_using_subcommand push" -l concurrency -d 'Blobs transferred at once' -r
complete -c regctl -n "__fish_regctl_using_subcommand push" -l store -d 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory\'s regctl/store]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand push" -l ca-file -d 'Trust this CA certificate (PEM) for the registry, in addition to the system\'s roots' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand push" -l cert-file -d 'Client certificate (PEM) to present to the registry' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand push" -l key-file -d 'Private key (PEM) of --cert-file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand push" -l auth-file -d 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand push" -s q -l quiet -d 'Print only the result (the digest)'
complete -c regctl -n "__fish_regctl_using_subcommand push" -l insecure -d 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand push" -l plain-http -d 'Talk plain HTTP to the registry'
complete -c regctl -n "__fish_regctl_using_subcommand push" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand push" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand tag" -l store -d 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory\'s regctl/store]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand tag" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand tag" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand images" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c regctl -n "__fish_regctl_using_subcommand images" -l store -d 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory\'s regctl/store]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand images" -s q -l quiet -d 'Only the digests, each once (for `regctl rmi $(regctl images -q)`)'
complete -c regctl -n "__fish_regctl_using_subcommand images" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand images" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand rmi" -l store -d 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory\'s regctl/store]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand rmi" -s f -l force -d 'A name that is not in the store is no error (the others are removed either way)'
complete -c regctl -n "__fish_regctl_using_subcommand rmi" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand rmi" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand copy" -l platform -d 'Copy only these platforms of a multi-platform image (repeatable): one platform copies that platform\'s image itself (as crane and skopeo do), several an index of those, which gets a new digest [default: the whole index, digest preserved]' -r
complete -c regctl -n "__fish_regctl_using_subcommand copy" -l concurrency -d 'Blobs transferred at once' -r
complete -c regctl -n "__fish_regctl_using_subcommand copy" -l ca-file -d 'Trust this CA certificate (PEM) for the registry, in addition to the system\'s roots' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand copy" -l cert-file -d 'Client certificate (PEM) to present to the registry' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand copy" -l key-file -d 'Private key (PEM) of --cert-file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand copy" -l auth-file -d 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand copy" -l all-tags -d 'Copy every tag of the source repository'
complete -c regctl -n "__fish_regctl_using_subcommand copy" -s q -l quiet -d 'Print only the result (the digest)'
complete -c regctl -n "__fish_regctl_using_subcommand copy" -l insecure -d 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand copy" -l plain-http -d 'Talk plain HTTP to the registry'
complete -c regctl -n "__fish_regctl_using_subcommand copy" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand copy" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand inspect" -l platform -d 'For a multi-platform image, show this platform\'s manifest (or config)' -r
complete -c regctl -n "__fish_regctl_using_subcommand inspect" -l ca-file -d 'Trust this CA certificate (PEM) for the registry, in addition to the system\'s roots' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand inspect" -l cert-file -d 'Client certificate (PEM) to present to the registry' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand inspect" -l key-file -d 'Private key (PEM) of --cert-file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand inspect" -l auth-file -d 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand inspect" -l config -d 'Show the image\'s config instead of its manifest'
complete -c regctl -n "__fish_regctl_using_subcommand inspect" -l raw -d 'Print the exact bytes the registry sent'
complete -c regctl -n "__fish_regctl_using_subcommand inspect" -l insecure -d 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand inspect" -l plain-http -d 'Talk plain HTTP to the registry'
complete -c regctl -n "__fish_regctl_using_subcommand inspect" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand digest" -l platform -d 'For a multi-platform image, the digest of this platform\'s image' -r
complete -c regctl -n "__fish_regctl_using_subcommand digest" -l ca-file -d 'Trust this CA certificate (PEM) for the registry, in addition to the system\'s roots' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand digest" -l cert-file -d 'Client certificate (PEM) to present to the registry' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand digest" -l key-file -d 'Private key (PEM) of --cert-file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand digest" -l auth-file -d 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand digest" -l insecure -d 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand digest" -l plain-http -d 'Talk plain HTTP to the registry'
complete -c regctl -n "__fish_regctl_using_subcommand digest" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand digest" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand tags" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c regctl -n "__fish_regctl_using_subcommand tags" -l page-size -d 'Tags to ask for per request (the registry may send fewer)' -r
complete -c regctl -n "__fish_regctl_using_subcommand tags" -l ca-file -d 'Trust this CA certificate (PEM) for the registry, in addition to the system\'s roots' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand tags" -l cert-file -d 'Client certificate (PEM) to present to the registry' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand tags" -l key-file -d 'Private key (PEM) of --cert-file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand tags" -l auth-file -d 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand tags" -l insecure -d 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand tags" -l plain-http -d 'Talk plain HTTP to the registry'
complete -c regctl -n "__fish_regctl_using_subcommand tags" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand tags" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand catalog" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c regctl -n "__fish_regctl_using_subcommand catalog" -l page-size -d 'Repositories to ask for per request (the registry may send fewer)' -r
complete -c regctl -n "__fish_regctl_using_subcommand catalog" -l ca-file -d 'Trust this CA certificate (PEM) for the registry, in addition to the system\'s roots' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand catalog" -l cert-file -d 'Client certificate (PEM) to present to the registry' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand catalog" -l key-file -d 'Private key (PEM) of --cert-file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand catalog" -l auth-file -d 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand catalog" -l insecure -d 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand catalog" -l plain-http -d 'Talk plain HTTP to the registry'
complete -c regctl -n "__fish_regctl_using_subcommand catalog" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand catalog" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand delete" -l ca-file -d 'Trust this CA certificate (PEM) for the registry, in addition to the system\'s roots' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand delete" -l cert-file -d 'Client certificate (PEM) to present to the registry' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand delete" -l key-file -d 'Private key (PEM) of --cert-file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand delete" -l auth-file -d 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand delete" -s y -l yes -d 'Do not ask for confirmation at a terminal'
complete -c regctl -n "__fish_regctl_using_subcommand delete" -l insecure -d 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand delete" -l plain-http -d 'Talk plain HTTP to the registry'
complete -c regctl -n "__fish_regctl_using_subcommand delete" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand delete" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand save" -s o -l output -d 'The archive to write, or - for stdout (never a terminal)' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand save" -l format -d 'Archive format' -r -f -a "docker\t'What `docker save` writes (docker 25+): loads into docker, containerd and skopeo\'s docker-archive'
oci\t'An OCI image layout as a tar (skopeo\'s oci-archive); keeps multi-platform images whole'"
complete -c regctl -n "__fish_regctl_using_subcommand save" -l platform -d 'The image to take from a multi-platform one (docker format only) [default: this host\'s]' -r
complete -c regctl -n "__fish_regctl_using_subcommand save" -l store -d 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory\'s regctl/store]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand save" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand save" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regctl -n "__fish_regctl_using_subcommand load" -s i -l input -d 'The archive to read, or - for stdin: docker save output (any docker version), a docker-archive or oci-archive (skopeo), or ctr images export output; plain or gzipped' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand load" -l store -d 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory\'s regctl/store]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand load" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand load" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and not __fish_seen_subcommand_from configure show remove rollback help" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and not __fish_seen_subcommand_from configure show remove rollback help" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and not __fish_seen_subcommand_from configure show remove rollback help" -f -a "configure" -d 'Configure how containerd (CRI) reaches a registry: mirror, TLS, credentials'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and not __fish_seen_subcommand_from configure show remove rollback help" -f -a "show" -d 'Show what containerd will use for each registry (endpoints, TLS, whether auth is set)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and not __fish_seen_subcommand_from configure show remove rollback help" -f -a "remove" -d 'Remove a registry\'s hosts.toml, legacy mirrors and configs (TLS, credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and not __fish_seen_subcommand_from configure show remove rollback help" -f -a "rollback" -d 'Restore the newest backup regctl made (a rollback is itself backed up)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and not __fish_seen_subcommand_from configure show remove rollback help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l mirror-of -d 'REGISTRY is a mirror of this upstream (e.g. docker.io): pulls of UPSTREAM images try it first' -r
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l endpoint -d 'URL REGISTRY answers at (repeatable, tried in order) [default: https://REGISTRY]' -r
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -s u -l username -d 'Username for containerd to log in with (default: the credential stored by `regctl login REGISTRY`)' -r
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l mode -d 'Where to write the registry\'s settings' -r -f -a "auto\t'hosts.toml on containerd 1.5 and later (or when no containerd is installed), else legacy'
hosts\t'hosts.toml under config_path (read on every pull)'
legacy\t'`mirrors` and `configs.<host>.tls` in config.toml (containerd before 1.5)'"
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l ca-file -d 'Trust this CA certificate (PEM) for the registry, in addition to the system\'s roots' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l cert-file -d 'Client certificate (PEM) to present to the registry' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l key-file -d 'Private key (PEM) of --cert-file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l auth-file -d 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l config -d 'containerd\'s config file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l hosts-dir -d 'Directory of the hosts.toml files [default: config_path from the config, else certs.d next to it]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l restart-command -d 'Command (run by sh -c) that restarts containerd [default: systemctl restart containerd, else service containerd restart]' -r
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l address -d 'containerd\'s socket, for the health check after a restart [default: config.toml\'s [grpc] address, else /run/containerd/containerd.sock]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l timeout -d 'Seconds to wait for the restart and for containerd to come back healthy' -r
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l password-stdin -d 'Read the password for --username from stdin'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l no-auth -d 'Configure no credentials (and remove any set for the registry)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l insecure -d 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l plain-http -d 'Talk plain HTTP to the registry'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l dry-run -d 'Print a unified diff of every file that would change, and change nothing'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -l no-restart -d 'Write the files but do not restart containerd'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from configure" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from show" -l config -d 'containerd\'s config file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from remove" -l config -d 'containerd\'s config file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from remove" -l hosts-dir -d 'Directory of the hosts.toml files [default: config_path from the config, else certs.d next to it]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from remove" -l restart-command -d 'Command (run by sh -c) that restarts containerd [default: systemctl restart containerd, else service containerd restart]' -r
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from remove" -l address -d 'containerd\'s socket, for the health check after a restart [default: config.toml\'s [grpc] address, else /run/containerd/containerd.sock]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from remove" -l timeout -d 'Seconds to wait for the restart and for containerd to come back healthy' -r
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from remove" -l dry-run -d 'Print a unified diff of every file that would change, and change nothing'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from remove" -l no-restart -d 'Write the files but do not restart containerd'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from rollback" -l config -d 'containerd\'s config file' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from rollback" -l hosts-dir -d 'Directory of the hosts.toml files [default: config_path from the config, else certs.d next to it]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from rollback" -l restart-command -d 'Command (run by sh -c) that restarts containerd [default: systemctl restart containerd, else service containerd restart]' -r
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from rollback" -l address -d 'containerd\'s socket, for the health check after a restart [default: config.toml\'s [grpc] address, else /run/containerd/containerd.sock]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from rollback" -l timeout -d 'Seconds to wait for the restart and for containerd to come back healthy' -r
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from rollback" -l dry-run -d 'Print a unified diff of every file that would change, and change nothing'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from rollback" -l no-restart -d 'Write the files but do not restart containerd'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from rollback" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from rollback" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from help" -f -a "configure" -d 'Configure how containerd (CRI) reaches a registry: mirror, TLS, credentials'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show what containerd will use for each registry (endpoints, TLS, whether auth is set)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a registry\'s hosts.toml, legacy mirrors and configs (TLS, credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from help" -f -a "rollback" -d 'Restore the newest backup regctl made (a rollback is itself backed up)'
complete -c regctl -n "__fish_regctl_using_subcommand containerd; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand completion" -s v -l verbose -d 'Show HTTP requests and responses on stderr (credentials are redacted)'
complete -c regctl -n "__fish_regctl_using_subcommand completion" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "login" -d 'Log in to a registry and store the credential'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "logout" -d 'Remove a registry\'s stored credential'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "pull" -d 'Pull an image from a registry into the local store'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "push" -d 'Push an image from the local store to its registry'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "tag" -d 'Give an image in the local store another name'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "images" -d 'List the images in the local store'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "rmi" -d 'Remove images from the local store'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "copy" -d 'Copy an image from registry to registry, with nothing written to disk'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "inspect" -d 'Show an image\'s manifest (or its config) from the registry'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "digest" -d 'Print the digest a reference points at in the registry'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "tags" -d 'List the tags of a repository'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "catalog" -d 'List the repositories of a registry'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "delete" -d 'Delete an image (a manifest, by digest) from the registry'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "save" -d 'Write images from the local store to a docker or OCI archive (a tar)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "load" -d 'Load images from a docker or OCI archive into the local store'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "containerd" -d 'Configure containerd\'s registry access (mirrors, TLS, credentials) safely'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "completion" -d 'Print a shell completion script'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push tag images rmi copy inspect digest tags catalog delete save load containerd completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from containerd" -f -a "configure" -d 'Configure how containerd (CRI) reaches a registry: mirror, TLS, credentials'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from containerd" -f -a "show" -d 'Show what containerd will use for each registry (endpoints, TLS, whether auth is set)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from containerd" -f -a "remove" -d 'Remove a registry\'s hosts.toml, legacy mirrors and configs (TLS, credentials)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from containerd" -f -a "rollback" -d 'Restore the newest backup regctl made (a rollback is itself backed up)'
