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
