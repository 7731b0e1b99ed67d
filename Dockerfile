# The container form of the KRM function (what kpt's function catalog and
# `kpt fn eval --image` expect): the release bundle on Deno's distroless image,
# run as nobody with no permission flags, so it can read stdin and write stdout
# only. Build after `deno task bundle`:
#   docker build -t meshservice-krm:0.1.0 .
# Not built or tested in this repository's CI or on its development machines
# (they have no Docker engine); the bundle it wraps is tested.
FROM denoland/deno:distroless-2.9.6
COPY dist/meshservice-krm.js /meshservice-krm.js
ENV DENO_DIR=/tmp/deno DENO_NO_UPDATE_CHECK=1
USER 65534:65534
ENTRYPOINT ["deno", "run", "--no-prompt", "/meshservice-krm.js"]
