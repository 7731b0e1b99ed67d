# One image for both container forms of meshservice-krm, built after `deno task bundle`:
#   docker build -t ghcr.io/your-org/meshservice-krm:0.1.0 .
# - kpt's function catalog form (`kpt fn eval --image`): the ENTRYPOINT runs the bundle as a KRM
#   function, no permission flags, as nobody.
# - the Argo CD sidecar (templates/argocd/repo-server-patch.yaml): the sidecar's command replaces the
#   ENTRYPOINT with /var/run/argocd/argocd-cmp-server, which runs plugin.yaml's generate command;
#   that command calls `deno` (on PATH here) and the bundle at /usr/local/bin/meshservice-krm.js.
# Not built or tested in this repository's CI or on its development machines (they have no Docker
# engine); the bundle it wraps and the paths the templates use are tested (tests/release_test.ts).
FROM denoland/deno:distroless-2.9.6
COPY dist/meshservice-krm.js /usr/local/bin/meshservice-krm.js
ENV DENO_DIR=/tmp/deno DENO_NO_UPDATE_CHECK=1
USER 65534:65534
ENTRYPOINT ["deno", "run", "--no-prompt", "/usr/local/bin/meshservice-krm.js"]
