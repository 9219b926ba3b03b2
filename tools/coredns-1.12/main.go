// CoreDNS as upstream's own main (coredns.go) runs it, with only the plugins kubeadm's Corefile uses
// (k8s.io/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go CoreDNSConfigMap) instead of all
// of core/plugin: the cloud providers' plugins would add minutes to the build and nothing to a kind node.
// Directive order stays upstream's (core/dnsserver/zdirectives.go); a plugin not imported here is unknown.
package main

import (
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

func main() {
	coremain.Run()
}
