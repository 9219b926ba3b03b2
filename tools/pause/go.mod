// The node image's pause program (the pod sandbox's first process), written here: the upstream one
// is a C program inside kubernetes/kubernetes (build/pause), which no registry serves as a package.
module kubetracing.local/tools/pause

go 1.26
