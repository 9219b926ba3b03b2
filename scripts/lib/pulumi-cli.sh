# Sourced by scripts/up.sh and scripts/e2e.sh (from the repository's root): what they ask of the
# Pulumi CLI before running it.

# The oldest Pulumi CLI the stack works with, as Pulumi.yaml's requiredPulumiVersion says (">=X.Y.Z").
pulumi_minimum_version() {
    sed -n 's/^requiredPulumiVersion: *">=\([0-9][0-9.]*\)" *$/\1/p' Pulumi.yaml
}

# Refuses a CLI older than that, naming both versions (CLIs from 3.219 refuse it themselves on
# up/preview/refresh/destroy; older ones ignore requiredPulumiVersion, and these scripts are the
# check for them). Returns 1 with a reason on stderr.
pulumi_check_version() {
    local min have
    min=$(pulumi_minimum_version)
    [ -n "$min" ] || { echo "kubetracing: Pulumi.yaml has no requiredPulumiVersion \">=X.Y.Z\"" >&2; return 1; }
    have=$(pulumi version 2>/dev/null) || { echo "kubetracing: 'pulumi version' failed" >&2; return 1; }
    have=${have#v}
    have=${have%%[-+]*}
    [[ $have =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || have=""
    if [ -z "$have" ] || [ "$(printf '%s\n%s\n' "$min" "$have" | sort -V | head -n1)" != "$min" ]; then
        echo "kubetracing: Pulumi CLI ${have:-of unknown version} is older than $min, which the stack needs (the node agent's provider uses replacementTrigger; see the README's prerequisites)" >&2
        return 1
    fi
}

# Local state encrypts the stack's secrets (the kubeconfig) with a passphrase. The CLI takes
# PULUMI_CONFIG_PASSPHRASE when it is set, even empty, and only then a non-empty
# PULUMI_CONFIG_PASSPHRASE_FILE (pulumi/pulumi v3.259.0 pkg/secrets/passphrase/manager.go
# readPassphrase). So the empty default is exported only when neither is set: exporting it always
# would override a passphrase file.
pulumi_default_passphrase() {
    if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
        export PULUMI_CONFIG_PASSPHRASE=""
    fi
}
