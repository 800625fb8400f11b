
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'regctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'regctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'regctl' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to a registry and store the credential')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove a registry''s stored credential')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Pull an image from a registry into the local store')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Push an image from the local store to its registry')
            [CompletionResult]::new('tag', 'tag', [CompletionResultType]::ParameterValue, 'Give an image in the local store another name')
            [CompletionResult]::new('images', 'images', [CompletionResultType]::ParameterValue, 'List the images in the local store')
            [CompletionResult]::new('rmi', 'rmi', [CompletionResultType]::ParameterValue, 'Remove images from the local store')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy an image from registry to registry, with nothing written to disk')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show an image''s manifest (or its config) from the registry')
            [CompletionResult]::new('digest', 'digest', [CompletionResultType]::ParameterValue, 'Print the digest a reference points at in the registry')
            [CompletionResult]::new('tags', 'tags', [CompletionResultType]::ParameterValue, 'List the tags of a repository')
            [CompletionResult]::new('catalog', 'catalog', [CompletionResultType]::ParameterValue, 'List the repositories of a registry')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an image (a manifest, by digest) from the registry')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Write images from the local store to a docker or OCI archive (a tar)')
            [CompletionResult]::new('load', 'load', [CompletionResultType]::ParameterValue, 'Load images from a docker or OCI archive into the local store')
            [CompletionResult]::new('containerd', 'containerd', [CompletionResultType]::ParameterValue, 'Configure containerd''s registry access (mirrors, TLS, credentials) safely')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;login' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Password (visible to other users in the process list: prefer --password-stdin)')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password (visible to other users in the process list: prefer --password-stdin)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where to store the credential [default: a credential helper configured in docker''s config, else the OS keyring, else the credentials file]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots')
            [CompletionResult]::new('--cert-file', '--cert-file', [CompletionResultType]::ParameterName, 'Client certificate (PEM) to present to the registry')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert-file')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from stdin')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Talk plain HTTP to the registry')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'regctl;logout' {
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;pull' {
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform to pull from a multi-platform image (repeatable) [default: this host''s]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Blobs transferred at once')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots')
            [CompletionResult]::new('--cert-file', '--cert-file', [CompletionResultType]::ParameterName, 'Client certificate (PEM) to present to the registry')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert-file')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]')
            [CompletionResult]::new('--all-platforms', '--all-platforms', [CompletionResultType]::ParameterName, 'Pull every platform of a multi-platform image')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result (the digest)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result (the digest)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Talk plain HTTP to the registry')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;push' {
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Upload blobs in PATCH chunks of this many bytes instead of one PUT each')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Blobs transferred at once')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots')
            [CompletionResult]::new('--cert-file', '--cert-file', [CompletionResultType]::ParameterName, 'Client certificate (PEM) to present to the registry')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert-file')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result (the digest)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result (the digest)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Talk plain HTTP to the registry')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;tag' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;images' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the digests, each once (for `regctl rmi $(regctl images -q)`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the digests, each once (for `regctl rmi $(regctl images -q)`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;rmi' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A name that is not in the store is no error (the others are removed either way)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'A name that is not in the store is no error (the others are removed either way)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;copy' {
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Copy only these platforms of a multi-platform image (repeatable): one platform copies that platform''s image itself (as crane and skopeo do), several an index of those, which gets a new digest [default: the whole index, digest preserved]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Blobs transferred at once')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots')
            [CompletionResult]::new('--cert-file', '--cert-file', [CompletionResultType]::ParameterName, 'Client certificate (PEM) to present to the registry')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert-file')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]')
            [CompletionResult]::new('--all-tags', '--all-tags', [CompletionResultType]::ParameterName, 'Copy every tag of the source repository')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result (the digest)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result (the digest)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Talk plain HTTP to the registry')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;inspect' {
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'For a multi-platform image, show this platform''s manifest (or config)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots')
            [CompletionResult]::new('--cert-file', '--cert-file', [CompletionResultType]::ParameterName, 'Client certificate (PEM) to present to the registry')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert-file')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Show the image''s config instead of its manifest')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print the exact bytes the registry sent')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Talk plain HTTP to the registry')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;digest' {
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'For a multi-platform image, the digest of this platform''s image')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots')
            [CompletionResult]::new('--cert-file', '--cert-file', [CompletionResultType]::ParameterName, 'Client certificate (PEM) to present to the registry')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert-file')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Talk plain HTTP to the registry')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;tags' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--page-size', '--page-size', [CompletionResultType]::ParameterName, 'Tags to ask for per request (the registry may send fewer)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots')
            [CompletionResult]::new('--cert-file', '--cert-file', [CompletionResultType]::ParameterName, 'Client certificate (PEM) to present to the registry')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert-file')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Talk plain HTTP to the registry')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;catalog' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--page-size', '--page-size', [CompletionResultType]::ParameterName, 'Repositories to ask for per request (the registry may send fewer)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots')
            [CompletionResult]::new('--cert-file', '--cert-file', [CompletionResultType]::ParameterName, 'Client certificate (PEM) to present to the registry')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert-file')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Talk plain HTTP to the registry')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;delete' {
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots')
            [CompletionResult]::new('--cert-file', '--cert-file', [CompletionResultType]::ParameterName, 'Client certificate (PEM) to present to the registry')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert-file')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation at a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation at a terminal')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Talk plain HTTP to the registry')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;save' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The archive to write, or - for stdout (never a terminal)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The archive to write, or - for stdout (never a terminal)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Archive format')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'The image to take from a multi-platform one (docker format only) [default: this host''s]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'regctl;load' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'The archive to read, or - for stdin: docker save output (any docker version), a docker-archive or oci-archive (skopeo), or ctr images export output; plain or gzipped')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'The archive to read, or - for stdin: docker save output (any docker version), a docker-archive or oci-archive (skopeo), or ctr images export output; plain or gzipped')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory''s regctl/store]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;containerd' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('configure', 'configure', [CompletionResultType]::ParameterValue, 'Configure how containerd (CRI) reaches a registry: mirror, TLS, credentials')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show what containerd will use for each registry (endpoints, TLS, whether auth is set)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a registry''s hosts.toml, legacy mirrors and configs (TLS, credentials)')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Restore the newest backup regctl made (a rollback is itself backed up)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;containerd;configure' {
            [CompletionResult]::new('--mirror-of', '--mirror-of', [CompletionResultType]::ParameterName, 'REGISTRY is a mirror of this upstream (e.g. docker.io): pulls of UPSTREAM images try it first')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'URL REGISTRY answers at (repeatable, tried in order) [default: https://REGISTRY]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username for containerd to log in with (default: the credential stored by `regctl login REGISTRY`)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username for containerd to log in with (default: the credential stored by `regctl login REGISTRY`)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Where to write the registry''s settings')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the registry, in addition to the system''s roots')
            [CompletionResult]::new('--cert-file', '--cert-file', [CompletionResultType]::ParameterName, 'Client certificate (PEM) to present to the registry')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert-file')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'containerd''s config file')
            [CompletionResult]::new('--hosts-dir', '--hosts-dir', [CompletionResultType]::ParameterName, 'Directory of the hosts.toml files [default: config_path from the config, else certs.d next to it]')
            [CompletionResult]::new('--restart-command', '--restart-command', [CompletionResultType]::ParameterName, 'Command (run by sh -c) that restarts containerd [default: systemctl restart containerd, else service containerd restart]')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'containerd''s socket, for the health check after a restart [default: config.toml''s [grpc] address, else /run/containerd/containerd.sock]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the restart and for containerd to come back healthy')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password for --username from stdin')
            [CompletionResult]::new('--no-auth', '--no-auth', [CompletionResultType]::ParameterName, 'Configure no credentials (and remove any set for the registry)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Talk plain HTTP to the registry')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print a unified diff of every file that would change, and change nothing')
            [CompletionResult]::new('--no-restart', '--no-restart', [CompletionResultType]::ParameterName, 'Write the files but do not restart containerd')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'regctl;containerd;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'containerd''s config file')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;containerd;remove' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'containerd''s config file')
            [CompletionResult]::new('--hosts-dir', '--hosts-dir', [CompletionResultType]::ParameterName, 'Directory of the hosts.toml files [default: config_path from the config, else certs.d next to it]')
            [CompletionResult]::new('--restart-command', '--restart-command', [CompletionResultType]::ParameterName, 'Command (run by sh -c) that restarts containerd [default: systemctl restart containerd, else service containerd restart]')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'containerd''s socket, for the health check after a restart [default: config.toml''s [grpc] address, else /run/containerd/containerd.sock]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the restart and for containerd to come back healthy')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print a unified diff of every file that would change, and change nothing')
            [CompletionResult]::new('--no-restart', '--no-restart', [CompletionResultType]::ParameterName, 'Write the files but do not restart containerd')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;containerd;rollback' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'containerd''s config file')
            [CompletionResult]::new('--hosts-dir', '--hosts-dir', [CompletionResultType]::ParameterName, 'Directory of the hosts.toml files [default: config_path from the config, else certs.d next to it]')
            [CompletionResult]::new('--restart-command', '--restart-command', [CompletionResultType]::ParameterName, 'Command (run by sh -c) that restarts containerd [default: systemctl restart containerd, else service containerd restart]')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'containerd''s socket, for the health check after a restart [default: config.toml''s [grpc] address, else /run/containerd/containerd.sock]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the restart and for containerd to come back healthy')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print a unified diff of every file that would change, and change nothing')
            [CompletionResult]::new('--no-restart', '--no-restart', [CompletionResultType]::ParameterName, 'Write the files but do not restart containerd')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;containerd;help' {
            [CompletionResult]::new('configure', 'configure', [CompletionResultType]::ParameterValue, 'Configure how containerd (CRI) reaches a registry: mirror, TLS, credentials')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show what containerd will use for each registry (endpoints, TLS, whether auth is set)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a registry''s hosts.toml, legacy mirrors and configs (TLS, credentials)')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Restore the newest backup regctl made (a rollback is itself backed up)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;containerd;help;configure' {
            break
        }
        'regctl;containerd;help;show' {
            break
        }
        'regctl;containerd;help;remove' {
            break
        }
        'regctl;containerd;help;rollback' {
            break
        }
        'regctl;containerd;help;help' {
            break
        }
        'regctl;completion' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show HTTP requests and responses on stderr (credentials are redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'regctl;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to a registry and store the credential')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove a registry''s stored credential')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Pull an image from a registry into the local store')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Push an image from the local store to its registry')
            [CompletionResult]::new('tag', 'tag', [CompletionResultType]::ParameterValue, 'Give an image in the local store another name')
            [CompletionResult]::new('images', 'images', [CompletionResultType]::ParameterValue, 'List the images in the local store')
            [CompletionResult]::new('rmi', 'rmi', [CompletionResultType]::ParameterValue, 'Remove images from the local store')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy an image from registry to registry, with nothing written to disk')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show an image''s manifest (or its config) from the registry')
            [CompletionResult]::new('digest', 'digest', [CompletionResultType]::ParameterValue, 'Print the digest a reference points at in the registry')
            [CompletionResult]::new('tags', 'tags', [CompletionResultType]::ParameterValue, 'List the tags of a repository')
            [CompletionResult]::new('catalog', 'catalog', [CompletionResultType]::ParameterValue, 'List the repositories of a registry')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an image (a manifest, by digest) from the registry')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Write images from the local store to a docker or OCI archive (a tar)')
            [CompletionResult]::new('load', 'load', [CompletionResultType]::ParameterValue, 'Load images from a docker or OCI archive into the local store')
            [CompletionResult]::new('containerd', 'containerd', [CompletionResultType]::ParameterValue, 'Configure containerd''s registry access (mirrors, TLS, credentials) safely')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;help;login' {
            break
        }
        'regctl;help;logout' {
            break
        }
        'regctl;help;pull' {
            break
        }
        'regctl;help;push' {
            break
        }
        'regctl;help;tag' {
            break
        }
        'regctl;help;images' {
            break
        }
        'regctl;help;rmi' {
            break
        }
        'regctl;help;copy' {
            break
        }
        'regctl;help;inspect' {
            break
        }
        'regctl;help;digest' {
            break
        }
        'regctl;help;tags' {
            break
        }
        'regctl;help;catalog' {
            break
        }
        'regctl;help;delete' {
            break
        }
        'regctl;help;save' {
            break
        }
        'regctl;help;load' {
            break
        }
        'regctl;help;containerd' {
            [CompletionResult]::new('configure', 'configure', [CompletionResultType]::ParameterValue, 'Configure how containerd (CRI) reaches a registry: mirror, TLS, credentials')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show what containerd will use for each registry (endpoints, TLS, whether auth is set)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a registry''s hosts.toml, legacy mirrors and configs (TLS, credentials)')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Restore the newest backup regctl made (a rollback is itself backed up)')
            break
        }
        'regctl;help;containerd;configure' {
            break
        }
        'regctl;help;containerd;show' {
            break
        }
        'regctl;help;containerd;remove' {
            break
        }
        'regctl;help;containerd;rollback' {
            break
        }
        'regctl;help;completion' {
            break
        }
        'regctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
