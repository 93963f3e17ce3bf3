# One image for every PolicyLens binary; docker-compose.yml picks the command per service.
# Needs BuildKit (the default builder of Docker 23+ and Compose v2) for the cache mounts.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bins \
    && mkdir -p /out \
    && cp target/release/policylens target/release/policylens-ingest \
          target/release/policylens-extract target/release/policylens-aggregate \
          target/release/policylens-gateway /out/

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/policylens --create-home policylens \
    && install -d -o policylens -g policylens /var/lib/policylens/state
# The aggregate's state volume mounts on /var/lib/policylens/state: a new volume takes this
# directory's owner, so the unprivileged service can write it.
COPY --from=build /out/ /usr/local/bin/
USER policylens
WORKDIR /var/lib/policylens
ENV RUST_LOG=info
CMD ["policylens", "--help"]
