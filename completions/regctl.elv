
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
            cand tags 'List the tags of a repository'
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
        &'regctl;completion'= {
            cand -v 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand --verbose 'Show HTTP requests and responses on stderr (credentials are redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'regctl;help'= {
            cand login 'Log in to a registry and store the credential'
            cand logout 'Remove a registry''s stored credential'
            cand tags 'List the tags of a repository'
            cand completion 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;help;login'= {
        }
        &'regctl;help;logout'= {
        }
        &'regctl;help;tags'= {
        }
        &'regctl;help;completion'= {
        }
        &'regctl;help;help'= {
        }
    ]
    $completions[$command]
}
