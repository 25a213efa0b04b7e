# The kpipes image (docker-compose.yaml): built with the README's two steps,
# tests/install-deps.sh then make, and shipped with only the programs, the
# launcher and the libraries they use.
FROM debian:bookworm AS build
WORKDIR /src
COPY . .
RUN tests/install-deps.sh && make

FROM debian:bookworm-slim
# librdkafka1: kbroker links it; kin, kout and ktopic carry librdkafka 2.12.0
# (tests/librdkafka.sh) and need what it pulls in (libssl3, libsasl2-2, libzstd1).
RUN apt-get update \
    && apt-get install -y --no-install-recommends librdkafka1 libjq1 libonig5 jq procps \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/bin/ /usr/local/bin/
COPY --from=build /src/man/*.1 /usr/local/share/man/man1/
COPY --from=build /src/man/*.7 /usr/local/share/man/man7/
ENV KPIPES_RUN=/var/lib/kpipes
WORKDIR /var/lib/kpipes
CMD ["kpipes", "up", "--foreground", "--producer"]
