// pause does what Kubernetes' own pause does (kubernetes build/pause/linux/pause.c): it holds the pod
// sandbox's namespaces open by never exiting, reaps the zombies a shared PID namespace hands it as
// PID 1, and exits 0 on SIGINT or SIGTERM so the runtime can stop the sandbox at once.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is the sandbox image's tag this program stands in for, stamped at build time.
var version = "dev"

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-v" {
		fmt.Printf("pause (kubetracing) %s\n", version)
		return
	}
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "Warning: pause should be the first process")
	}
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			fmt.Fprintf(os.Stderr, "Shutting down, got signal: %v\n", s)
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
