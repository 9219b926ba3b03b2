// Container image references, checked against the grammar Docker itself parses them with
// (github.com/distribution/reference, reference.go and regexp.go), so a reference Docker would
// refuse is refused here, before the stack's network or containers exist. Two deliberate
// narrowings: lower case only outside the tag (registries' host names are case-insensitive, and an
// upper-case first component is easily a typo of a repository), and a digest must be sha256 with
// exactly 64 lower-case hex characters (the only digest Docker Hub and the registries here serve).

const alphanumeric = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = "(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])";
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = "\\[[a-f0-9:]+\\]";
const domain = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "sha256:[0-9a-f]{64}";

const REFERENCE = new RegExp(`^(?:(${domain})/)?(${pathComponent}(?:/${pathComponent})*)(?::(${tag}))?(?:@(${digest}))?$`);

/** distribution/reference's NameTotalLengthMax. */
const MAX_NAME_LENGTH = 255;

export interface ImageReference {
    /** Registry host (and port), when the reference names one. */
    domain?: string;
    /** Repository path inside the registry, e.g. "jaegertracing/jaeger". */
    path: string;
    tag?: string;
    digest?: string;
}

/** The parts of an image reference, or undefined when Docker would not accept it. */
export function parseImageReference(text: string): ImageReference | undefined {
    const m = REFERENCE.exec(text);
    if (!m) return undefined;
    const [, domain, path, tag, digest] = m;
    // Without a "." or ":" (or "localhost") the first component is a Docker Hub namespace, not a host.
    const isHost = domain !== undefined && (domain.includes(".") || domain.includes(":") || domain === "localhost");
    const name = domain === undefined ? path : `${domain}/${path}`;
    if (name.length > MAX_NAME_LENGTH) return undefined;
    return isHost ? { domain, path, tag, digest } : { path: name, tag, digest };
}

/** One sentence on what is accepted, for error messages. */
export const IMAGE_REFERENCE_FORMAT =
    "an image reference such as registry.example.com/team/name:1.2.3 or name@sha256:<64 hex>; " +
    "lower-case repository, tag of letters, digits, '_', '.' and '-', no spaces";
