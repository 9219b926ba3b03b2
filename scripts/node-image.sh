#!/usr/bin/env bash
# Builds a kind node image for Kubernetes MINOR into the tests' dockerd (scripts/test-docker.sh), from
# registries only, since no image registry can be reached from the test machines. It follows kind
# v0.33.0's own recipe, read from the sigs.k8s.io/kind module (the Go module proxy serves it):
# images/base/Dockerfile for the base image and pkg/build/nodeimage for the node image.
#
#   bash scripts/node-image.sh MINOR → builds (or reuses) kubetracing.local/node:v<patch> and the test
#                                      pod's image; prints nodeImage=… and podImage=… last
#   exit 2                           → bad usage
#   exit 3 with a reason on stderr   → it cannot be built on this machine
#
# What goes in, each from a registry:
# - Debian bookworm through debootstrap (the machine's own mirror), with kind's package list: systemd,
#   iptables/nftables, conntrack, mount tools and so on; then kind's base image files and steps
#   (images/base/files from the kind module: the entrypoint, the systemd units, containerd's config).
# - containerd, runc, crictl and the CNI plugins built from their Go modules at the versions kind
#   v0.33.0's base image builds (tools/containerd-2.3, tools/runc, tools/cri-tools, tools/cni-plugins).
# - kubeadm, kubelet and kubectl of tools/kubernetes-MINOR in /usr/bin; kube-apiserver,
#   kube-controller-manager, kube-scheduler and kube-proxy as images, as kind's node images carry them.
# - etcd and CoreDNS at the versions that minor's kubeadm asks for (`kubeadm config images list`),
#   built from their modules (tools/etcd-X.Y, tools/coredns-X.Y), and a pause program of our own
#   (tools/pause) as the sandbox image containerd's config names.
# - Every image made with `docker import`, saved with `docker save` and preloaded into the node's
#   containerd as kind does (`ctr images import --no-unpack`, pinned).
#
# How it differs from kindest/node, and why:
# - Debian bookworm (systemd 252), not trixie: trixie's systemd refuses to boot on a cgroup v1 host,
#   and these machines are cgroup v1.
# - No kindnetd and no local-path-provisioner (kind's images of them are not in any registry we can
#   reach, and their modules are refused by the proxy): each node writes a bridge CNI config at boot
#   (kubetracing-cni.service, pod range 10.244.<the node's last IPv4 octet>.0/24), so pods reach pods
#   on their own node, the host network and Services, but not pods on other nodes; and kind installs its
#   legacy host-path StorageClass, since the image has no storage manifest.
# - containerd's restrict_oom_score_adj is true: the test VMs drop CAP_SYS_RESOURCE, so runc cannot
#   give containers a negative OOM score (kind itself sets it only inside a user namespace).
# - No nfs-common, open-iscsi or fuse-overlayfs (networked storage and rootless, which no test uses).
# - The component images hold just their binary (kube-proxy: iptables and busybox too), not the
#   distroless bases, and CoreDNS has only the plugins kubeadm's Corefile names.
#
# The rootfs is cached as a tar in $KUBETRACING_NODE_IMAGE_CACHE (default ~/.cache/kubetracing/node-images),
# keyed by a stamp of everything that goes in, so a fresh clone on a warm machine only imports it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/cache.sh
. "$repo/scripts/lib/cache.sh"
usage() { echo "usage: bash scripts/node-image.sh MINOR (e.g. 1.34; a tools/kubernetes-MINOR module must exist)" >&2; exit 2; }
cannot() { echo "node-image: $*" >&2; exit 3; }

[ $# = 1 ] || usage
minor="$1"
[[ $minor =~ ^1\.[0-9]+$ ]] || usage
[ -f "$repo/tools/kubernetes-$minor/go.mod" ] || cannot "no tools/kubernetes-$minor module, so no Kubernetes $minor binaries to build from"
grep -q "k8s.io/kubernetes/cmd/kubeadm" "$repo/tools/kubernetes-$minor/go.mod" ||
    cannot "tools/kubernetes-$minor builds no kubeadm (add the node's programs to its tool block, as tools/kubernetes-1.34 has them)"
[ "$(id -u)" = 0 ] || cannot "needs root (debootstrap, chroot and the node's containerd run as root)"
command -v docker >/dev/null || cannot "needs the docker client on PATH"

# The release this image follows, and what its base image builds (kind v0.33.0 images/base/Dockerfile;
# the versions themselves are pinned in each tools/ module).
kind_module=sigs.k8s.io/kind@v0.33.0
containerd_tool=containerd-2.3
suite=bookworm
# kind's clean-install list (images/base/Dockerfile), less what the notes above leave out, plus
# busybox-static for the kube-proxy and test pod images.
packages=(systemd conntrack iptables nftables iproute2 ethtool util-linux mount kmod libseccomp2 pigz e2fsprogs
    bash ca-certificates curl jq procps busybox-static)

# Host packages: debootstrap, and libseccomp-dev with pkg-config for runc's seccomp build tag.
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
pkg-config --exists libseccomp 2>/dev/null || need+=(libseccomp-dev pkg-config)
if [ ${#need[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || cannot "needs ${need[*]} (Debian packages), and there is no apt-get"
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1; }; } ||
        cannot "apt-get install ${need[*]} failed"
fi

# The programs, built from their modules (scripts/fetch-tools.sh reuses what matches its pins).
kube=(kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy)
bin=$(bash "$repo/scripts/fetch-tools.sh" "${kube[@]/%/-$minor}" "$containerd_tool" runc crictl cni-plugins pause | tail -n1) || exit 3
patch=$("$bin/kubeadm-$minor" version -o short) || cannot "kubeadm-$minor does not run"

# What kubeadm will ask containerd for; the pause image is replaced by containerd's sandbox image, as
# kind does (pkg/build/nodeimage/buildcontext.go prePullImagesAndWriteManifests).
mapfile -t kubeadm_images < <("$bin/kubeadm-$minor" config images list --kubernetes-version "$patch" 2>/dev/null)
[ ${#kubeadm_images[@]} -ge 6 ] || cannot "kubeadm $patch listed no images"
image_of() { printf '%s\n' "${kubeadm_images[@]}" | grep -m1 "/$1:" || cannot "kubeadm $patch names no $1 image"; }
etcd_image=$(image_of etcd)
coredns_image=$(image_of coredns)
etcd_version=${etcd_image##*:}
etcd_version=${etcd_version%-*}
coredns_version=${coredns_image##*:v}
etcd_tool="etcd-${etcd_version%.*}"
coredns_tool="coredns-${coredns_version%.*}"
[ -d "$repo/tools/$etcd_tool" ] || cannot "kubeadm $patch runs etcd $etcd_version, and there is no tools/$etcd_tool module to build it"
[ -d "$repo/tools/$coredns_tool" ] || cannot "kubeadm $patch runs CoreDNS $coredns_version, and there is no tools/$coredns_tool module to build it"
bash "$repo/scripts/fetch-tools.sh" "$etcd_tool" "$coredns_tool" >/dev/null || exit 3
built_etcd=$("$bin/$etcd_tool/etcd" --version | awk '/^etcd Version:/ {print $3}')
[ "$built_etcd" = "$etcd_version" ] || cannot "kubeadm $patch asks for etcd $etcd_version, but tools/$etcd_tool builds $built_etcd"
built_coredns=$("$bin/$coredns_tool" -version | sed -n 's/^CoreDNS-//p')
[ "$built_coredns" = "$coredns_version" ] || cannot "kubeadm $patch asks for CoreDNS $coredns_version, but tools/$coredns_tool builds $built_coredns"

# kind's base image files, from the module (the proxy serves it; `go mod download` verifies it against go.sum's database).
kind_dir=$(cd "$repo/tools/kind" && GOFLAGS=-mod=readonly go mod download -json "$kind_module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$kind_dir/images/base/files" ] || cannot "the $kind_module module has no images/base/files"

docker_host=$(bash "$repo/scripts/test-docker.sh" start | tail -n1) || exit 3
export "${docker_host?}"

image="kubetracing.local/node:$patch"
cache="${KUBETRACING_NODE_IMAGE_CACHE:-$HOME/.cache/kubetracing/node-images}"
reason=$(trusted_cache "$cache" KUBETRACING_NODE_IMAGE_CACHE 2>&1) || cannot "$reason"
work="$repo/.cache/node-image/$minor"
mkdir -p "$work"
exec 9>"$work.lock"
flock 9

# Everything that goes in: this script, the binaries, kind's files and the package list.
sources=("$0" "$bin/kubeadm-$minor" "$bin/kubelet-$minor" "$bin/kubectl-$minor" "$bin/kube-apiserver-$minor" "$bin/kube-controller-manager-$minor"
    "$bin/kube-scheduler-$minor" "$bin/kube-proxy-$minor" "$bin/$containerd_tool"/* "$bin/runc" "$bin/crictl" "$bin/cni-plugins"/* "$bin/pause"
    "$bin/$etcd_tool"/* "$bin/$coredns_tool")
stamp=$({ sha256sum "${sources[@]}" | cut -c1-64; find "$kind_dir/images/base/files" -type f -exec sha256sum {} + | sort | cut -c1-64
    echo "$suite ${packages[*]}"; } | sha256sum | cut -c1-16)
rootfs_tar="$cache/node-$patch-$stamp.tar"

# The test pod's image, named after the busybox it holds ("BusyBox v1.35.0 (Debian …)" → kubetracing.local/busybox:1.35.0).
pod_image_of() { echo "kubetracing.local/busybox:$("$1/bin/busybox" 2>&1 | sed -n '1s/^BusyBox v\([0-9.]*\).*/\1/p')"; }
pod_image_build() { # the test pod's image: Debian's busybox-static as /bin/busybox and its applets
    local root="$work/pod-image"
    pod_image=$(pod_image_of "$1")
    [ "$pod_image" != "kubetracing.local/busybox:" ] || cannot "the node rootfs's busybox does not say its version"
    rm -rf "$root" && mkdir -p "$root/bin"
    cp "$1/bin/busybox" "$root/bin/busybox"
    for applet in sh echo sleep cat ls; do ln -s busybox "$root/bin/$applet"; done
    local previous
    previous=$(docker image inspect -f '{{ .Id }}' "$pod_image" 2>/dev/null || true)
    tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . |
        docker import --change 'ENV PATH=/bin' --change 'CMD ["sh"]' --change "LABEL kubetracing.busybox-sha256=$(sha256sum "$root/bin/busybox" | cut -c1-64)" - "$pod_image" >/dev/null
    [ -z "$previous" ] || docker image rm "$previous" >/dev/null 2>&1 || true
    rm -rf "$root"
}

pod_image=$(docker image inspect -f '{{ index .Config.Labels "kubetracing.pod-image" }}' "$image" 2>/dev/null || true)
# The pod image is the same for every minor (the base's busybox): that it is there is enough.
if [ "$(docker image inspect -f '{{ index .Config.Labels "kubetracing.stamp" }}' "$image" 2>/dev/null)" = "$stamp" ] &&
    docker image inspect "$pod_image" >/dev/null 2>&1; then
    echo "node-image: $image is built from these sources already" >&2
    echo "nodeImage=$image"
    echo "podImage=$pod_image"
    exit 0
fi

# Imports a rootfs tar as the node image, with the configuration kind's base image and `docker commit` give it.
import_node_image() { # the test pod's image, named on a label
    local previous
    previous=$(docker image inspect -f '{{ .Id }}' "$image" 2>/dev/null || true)
    docker import \
        --change 'ENV container=docker' \
        --change 'STOPSIGNAL SIGRTMIN+3' \
        --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' \
        --change "LABEL kubetracing.stamp=$stamp" \
        --change "LABEL kubetracing.pod-image=$1" \
        "$rootfs_tar" "$image" >/dev/null || cannot "docker import of $image failed"
    [ -z "$previous" ] || docker image rm "$previous" >/dev/null 2>&1 || true
}

start=$(date +%s)
if [ -f "$rootfs_tar" ]; then
    echo "node-image: importing the cached $rootfs_tar" >&2
    rootfs="$work/rootfs"
    rm -rf "$rootfs" && mkdir -p "$rootfs/bin"
    tar -C "$rootfs" -xf "$rootfs_tar" ./usr/bin/busybox 2>/dev/null || tar -C "$rootfs" -xf "$rootfs_tar" ./bin/busybox
    [ -x "$rootfs/bin/busybox" ] || { mkdir -p "$rootfs/bin" && mv "$rootfs/usr/bin/busybox" "$rootfs/bin/busybox"; }
    pod_image_build "$rootfs"
    import_node_image "$pod_image"
    rm -rf "$rootfs"
    echo "node-image: $image ready in $(($(date +%s) - start))s" >&2
    echo "nodeImage=$image"
    echo "podImage=$pod_image"
    exit 0
fi

# --- The base: Debian and kind's base image steps -------------------------------------------------
base_tar="$cache/base-$suite-$(echo "${packages[*]}" | sha256sum | cut -c1-12).tar"
rootfs="$work/rootfs"
rm -rf "$rootfs" && mkdir -p "$rootfs"
if [ ! -f "$base_tar" ]; then
    mirror=$(debian_mirror)
    [ -n "$mirror" ] || cannot "no Debian mirror in the machine's apt sources"
    echo "node-image: debootstrap $suite from $mirror" >&2
    debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
        { tail -n 15 "$work/debootstrap.log" >&2; cannot "debootstrap of $suite failed (log: $work/debootstrap.log)"; }
    # As kind's clean-install leaves it.
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/var/tmp/* \
        "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
    tar --numeric-owner -C "$rootfs" -cf "$base_tar.new" . && mv "$base_tar.new" "$base_tar"
else
    tar --numeric-owner -C "$rootfs" -xf "$base_tar"
fi
# The steps of kind's base Dockerfile: its files with its modes, then the RUN steps.
files="$kind_dir/images/base/files"
install -m 0755 "$files"/usr/local/bin/* "$rootfs/usr/local/bin/"
mkdir -p "$rootfs/kind/bin" "$rootfs/etc/containerd" "$rootfs/etc/default" "$rootfs/etc/sysctl.d" "$rootfs/etc/systemd/system/kubelet.service.d"
install -m 0644 "$files"/kind/README.txt "$rootfs/kind/"
install -m 0755 "$files"/kind/bin/* "$rootfs/kind/bin/"
install -m 0644 "$files"/etc/crictl.yaml "$rootfs/etc/"
install -m 0644 "$files"/etc/containerd/* "$rootfs/etc/containerd/"
install -m 0644 "$files"/etc/default/* "$rootfs/etc/default/"
install -m 0644 "$files"/etc/sysctl.d/* "$rootfs/etc/sysctl.d/"
install -m 0644 "$files"/etc/systemd/system/*.service "$files"/etc/systemd/system/*.slice "$rootfs/etc/systemd/system/"
install -m 0644 "$files"/etc/systemd/system/kubelet.service.d/* "$rootfs/etc/systemd/system/kubelet.service.d/"
find "$rootfs/lib/systemd/system/sysinit.target.wants/" -name systemd-tmpfiles-setup.service -delete
rm -f "$rootfs"/lib/systemd/system/multi-user.target.wants/* "$rootfs"/etc/systemd/system/*.wants/* "$rootfs"/lib/systemd/system/local-fs.target.wants/* \
    "$rootfs"/lib/systemd/system/sockets.target.wants/*udev* "$rootfs"/lib/systemd/system/sockets.target.wants/*initctl* "$rootfs"/lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >>"$rootfs/etc/systemd/journald.conf"
ln -sf /usr/lib/systemd/systemd "$rootfs/sbin/init"
mkdir -p "$rootfs/etc/kubernetes/manifests"
# See the notes above: runc cannot set a negative OOM score on these machines.
sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' "$rootfs/etc/containerd/config.toml"
grep -q 'restrict_oom_score_adj = true' "$rootfs/etc/containerd/config.toml" || cannot "kind's containerd config no longer has restrict_oom_score_adj"

# The base image's programs (kind's base Dockerfile puts them at these paths).
install -m 0755 "$bin/$containerd_tool"/containerd "$bin/$containerd_tool"/ctr "$bin/$containerd_tool"/containerd-shim-runc-v2 "$rootfs/usr/local/bin/"
install -m 0755 "$bin/runc" "$rootfs/usr/local/sbin/runc"
install -m 0755 "$bin/crictl" "$rootfs/usr/local/bin/"
mkdir -p "$rootfs/opt/cni/bin"
install -m 0755 "$bin/cni-plugins"/* "$rootfs/opt/cni/bin/"
# cri-base.json: containerd's default spec with kind's product-files hook and no rlimits (kind's base Dockerfile).
"$bin/$containerd_tool/ctr" oci spec |
    chroot "$rootfs" jq '.hooks.createContainer[.hooks.createContainer| length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' |
    chroot "$rootfs" jq 'del(.process.rlimits)' >"$rootfs/etc/containerd/cri-base.json"
# Enabled as kind's base Dockerfile does; systemctl makes the same links in a chroot.
chroot "$rootfs" systemctl enable kubelet.service containerd.service undo-mount-hacks.service >/dev/null 2>&1
chroot "$rootfs" systemctl mask systemd-binfmt.service >/dev/null 2>&1

# The node's network, in place of kindnetd (see the notes above).
cat >"$rootfs/usr/local/bin/kubetracing-cni-config" <<'EOF'
#!/bin/bash
# Written by kubetracing's scripts/node-image.sh, in place of kindnetd: a bridge network for this
# node's pods, 10.244.<last octet of this node's IPv4 address>.0/24, so every node has its own range.
set -euo pipefail
address=$(ip -4 -o addr show scope global | awk '{print $4; exit}')
octet=${address%/*}
octet=${octet##*.}
mkdir -p /etc/cni/net.d
cat >/etc/cni/net.d/10-kubetracing-bridge.conflist <<CONF
{
  "cniVersion": "1.0.0",
  "name": "kubetracing",
  "plugins": [
    { "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.244.$octet.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
CONF
EOF
chmod 0755 "$rootfs/usr/local/bin/kubetracing-cni-config"
cat >"$rootfs/etc/systemd/system/kubetracing-cni.service" <<'EOF'
# Written by kubetracing's scripts/node-image.sh: the node's CNI config, before containerd reads it.
[Unit]
Description=kubetracing: this node's bridge CNI config
Before=containerd.service kubelet.service
After=network.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/bin/kubetracing-cni-config
[Install]
WantedBy=multi-user.target
EOF
chroot "$rootfs" systemctl enable kubetracing-cni.service >/dev/null 2>&1

# --- The node image's own layer: Kubernetes ------------------------------------------------------
for program in kubeadm kubelet kubectl; do install -m 0755 "$bin/$program-$minor" "$rootfs/usr/bin/$program"; done
mkdir -p "$rootfs/kind/manifests"
printf '%s' "$patch" >"$rootfs/kind/version"
# kind applies this file with `kubectl create` (pkg/cluster/internal/create/actions/installcni): it must
# hold an object, and says where the node network comes from.
cat >"$rootfs/kind/manifests/default-cni.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: kubetracing-node-network
  namespace: kube-system
data:
  about: "No kindnetd in this node image (kubetracing's scripts/node-image.sh): each node writes a bridge CNI config at boot (kubetracing-cni.service), 10.244.<its last IPv4 octet>.0/24; pods reach their own node's pods, the host network and Services, not pods on other nodes."
EOF

# The images kubeadm and containerd ask for: the binary (and what it needs) in an otherwise empty rootfs.
# They are only carried to the node's containerd: removed from the tests' dockerd however the script ends.
images_dir="$work/images"
rm -rf "$images_dir" && mkdir -p "$images_dir"
made=()
containerd_pid=""
cleanup() {
    [ -z "$containerd_pid" ] || { kill "$containerd_pid" 2>/dev/null; wait "$containerd_pid" 2>/dev/null; } || true
    for ref in "${made[@]}"; do docker image rm "$ref" >/dev/null 2>&1 || true; done
    rm -rf "$work/rootfs" "$work/images" "$work/containerd"
}
trap cleanup EXIT
component_image() { # reference, then docker import --change options, after: the rootfs directory already filled
    local ref="$1" dir="$2"
    shift 2
    mkdir -p "$dir/tmp" "$dir/etc" && chmod 1777 "$dir/tmp"
    [ -f "$dir/etc/passwd" ] || printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$dir/etc/passwd"
    tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf - . | docker import "$@" - "$ref" >/dev/null || cannot "docker import of $ref failed"
    made+=("$ref")
}
# With its certificate store, as the distroless bases have it (the apiserver reaches webhooks, the controllers clouds).
with_certs() { mkdir -p "$1/etc/ssl/certs" && cp "$rootfs/etc/ssl/certs/ca-certificates.crt" "$1/etc/ssl/certs/"; }
for program in kube-apiserver kube-controller-manager kube-scheduler; do
    dir="$images_dir/$program"
    mkdir -p "$dir/usr/local/bin" && install -m 0755 "$bin/$program-$minor" "$dir/usr/local/bin/$program"
    with_certs "$dir"
    component_image "$(image_of "$program")" "$dir" --change 'ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
done
# kube-proxy programs iptables: the node's iptables (both backends) with its libraries, and busybox for
# the backend choice upstream's image makes with kubernetes-sigs/iptables-wrappers.
dir="$images_dir/kube-proxy"
mkdir -p "$dir/usr/local/bin" "$dir/usr/sbin" "$dir/bin"
install -m 0755 "$bin/kube-proxy-$minor" "$dir/usr/local/bin/kube-proxy"
cp "$rootfs/bin/busybox" "$dir/bin/busybox"
for applet in sh grep wc ln cat; do ln -s busybox "$dir/bin/$applet"; done
copy_with_libraries() { # files in the node rootfs → the same paths in $dir, with every library ldd names
    local file lib
    for file in "$@"; do
        mkdir -p "$dir$(dirname "$file")" && cp -L "$rootfs$file" "$dir$file"
        for lib in $(chroot "$rootfs" ldd "$file" 2>/dev/null | awk '/=> \// {print $3} /^\t\/lib/ {print $1}'); do
            [ -e "$dir$lib" ] || { mkdir -p "$dir$(dirname "$lib")" && cp -L "$rootfs$lib" "$dir$lib"; }
        done
    done
}
copy_with_libraries /usr/sbin/xtables-legacy-multi /usr/sbin/xtables-nft-multi $(cd "$rootfs" && ls usr/lib/x86_64-linux-gnu/xtables/*.so | sed 's|^|/|')
cat >"$dir/usr/sbin/iptables-wrapper" <<'EOF'
#!/bin/sh
# Written by kubetracing's scripts/node-image.sh: picks the iptables backend the node uses, as
# kubernetes-sigs/iptables-wrappers (and kind's entrypoint, select_iptables) do: the one holding more rules.
legacy=$( (xtables-legacy-multi iptables-save; xtables-legacy-multi ip6tables-save) 2>/dev/null | grep -c '^-')
nft=$( (xtables-nft-multi iptables-save; xtables-nft-multi ip6tables-save) 2>/dev/null | grep -c '^-')
mode=nft
[ "$legacy" -gt "$nft" ] && mode=legacy
for name in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -sf "xtables-$mode-multi" "/usr/sbin/$name"
done
exec "/usr/sbin/$(basename "$0")" "$@"
EOF
chmod 0755 "$dir/usr/sbin/iptables-wrapper"
for name in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do ln -s iptables-wrapper "$dir/usr/sbin/$name"; done
for backend in legacy nft; do
    for family in iptables ip6tables; do
        for suffix in "" -save -restore; do ln -s "xtables-$backend-multi" "$dir/usr/sbin/$family-$backend$suffix"; done
    done
done
component_image "$(image_of kube-proxy)" "$dir" --change 'ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
dir="$images_dir/etcd"
mkdir -p "$dir/usr/local/bin" && install -m 0755 "$bin/$etcd_tool"/etcd "$bin/$etcd_tool"/etcdctl "$dir/usr/local/bin/"
component_image "$etcd_image" "$dir" --change 'ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
dir="$images_dir/coredns"
mkdir -p "$dir" && install -m 0755 "$bin/$coredns_tool" "$dir/coredns"
with_certs "$dir"
component_image "$coredns_image" "$dir" --change 'ENTRYPOINT ["/coredns"]'
# The sandbox image containerd's config names (kind replaces kubeadm's pause with it).
sandbox_image=$(sed -n 's/^ *sandbox_image = "\(.*\)"/\1/p' "$rootfs/etc/containerd/config.toml")
[ -n "$sandbox_image" ] || cannot "kind's containerd config names no sandbox_image"
dir="$images_dir/pause"
mkdir -p "$dir" && install -m 0755 "$bin/pause" "$dir/pause"
component_image "$sandbox_image" "$dir" --change 'ENTRYPOINT ["/pause"]' --change 'USER 65535:65535'

# Preloaded into the node's containerd as kind does (pkg/build/nodeimage/imageimporter.go), by the node's
# own containerd run here with the rootfs's /var/lib/containerd as its root.
docker save -o "$images_dir/images.tar" "${made[@]}"
run="$work/containerd"
rm -rf "$run" && mkdir -p "$run"
cat >"$run/config.toml" <<EOF
version = 3
root = "$rootfs/var/lib/containerd"
state = "$run/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime", "io.containerd.cri.v1.images"]
[grpc]
  address = "$run/containerd.sock"
[ttrpc]
  address = "$run/containerd.sock.ttrpc"
EOF
"$bin/$containerd_tool/containerd" --config "$run/config.toml" >"$run/containerd.log" 2>&1 &
containerd_pid=$!
ctr=("$bin/$containerd_tool/ctr" --address "$run/containerd.sock" --namespace k8s.io)
for _ in $(seq 1 40); do "${ctr[@]}" version >/dev/null 2>&1 && break; sleep 0.25; done
"${ctr[@]}" images import --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests "$images_dir/images.tar" >/dev/null ||
    { tail -n 20 "$run/containerd.log" >&2; cannot "importing the images into the node's containerd failed"; }
loaded=$("${ctr[@]}" images list -q)
for ref in "${made[@]}"; do grep -qx "$ref" <<<"$loaded" || cannot "$ref is not in the node's containerd after the import"; done
kill "$containerd_pid" && wait "$containerd_pid" 2>/dev/null || true
containerd_pid=""
rm -rf "$run" "$images_dir"

# The node image, and the cached rootfs it is imported from (older stamps of this patch are dropped).
rm -f "$cache/node-$patch-"*.tar
tar --numeric-owner -C "$rootfs" -cf "$rootfs_tar.new" . && mv "$rootfs_tar.new" "$rootfs_tar"
pod_image_build "$rootfs"
import_node_image "$pod_image"
rm -rf "$rootfs"
echo "node-image: built $image ($(du -m "$rootfs_tar" | cut -f1) MB) in $(($(date +%s) - start))s" >&2
echo "nodeImage=$image"
echo "podImage=$pod_image"
