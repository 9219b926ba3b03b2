// etcd's tracing settings as name/value pairs, with the flag names of the etcd the release bundles.
// The same pairs become `--etcd-arg=name=value` on k3s and kubeadm `etcd.local.extraArgs` on kind.
import type { TracingFacts } from "../versions/versions";

export interface EtcdArg {
    name: string;
    value: string;
}

export interface EtcdTracingArgs {
    args: EtcdArg[];
    /** What the user should know, e.g. that this etcd cannot take a sampling rate. */
    notes: string[];
}

/**
 * @param instanceId must not look like a number: k3s turns numeric --etcd-arg values into YAML
 * integers, and etcd refuses a config file with a number where it expects a string.
 */
export function etcdTracingArgs(facts: TracingFacts, endpoint: string, samplingRatePerMillion: number, instanceId: string): EtcdTracingArgs {
    if (/^[0-9.+-]+$/.test(instanceId)) throw new Error(`etcd instance id ${instanceId} must not be numeric`);
    const { flags } = facts.etcd;
    const args: EtcdArg[] = [
        { name: flags.enable, value: "true" },
        // etcd's embedded config (k3s) has no defaults for these two, so they are always given.
        { name: flags.address, value: endpoint },
        { name: flags.serviceName, value: "etcd" },
        { name: flags.instanceId, value: instanceId },
    ];
    const notes: string[] = [];
    if (facts.etcd.samplingFlagSupported) {
        args.push({ name: flags.samplingRate, value: String(samplingRatePerMillion) });
        if (samplingRatePerMillion === 0) notes.push("etcd: sampling rate 0 sends no etcd spans at all.");
    } else {
        notes.push(
            `etcd ${facts.etcd.version} has no sampling-rate flag (added in 3.5.11): the flag is left out, and etcd ` +
                `spans appear only inside sampled kube-apiserver requests (trace the apiserver with a rate above 0).`,
        );
    }
    return { args, notes };
}
