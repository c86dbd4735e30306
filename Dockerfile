# Keyward in a container (docs/operations.md "Docker"). Two stages on Debian 12: the first builds
# the Debian package with the repository's own `make package` (scripts/deps.sh installs what the
# build needs); the second installs that package, so the image holds the same binary, user and
# default configuration as a Debian host, and runs it as the user keyward, not root.
#   docker build -t keyward .
#   docker run -d --name keyward -p 8080:8080 -v keyward-data:/var/lib/keyward keyward

FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends make
WORKDIR /src
COPY . .
RUN make package

FROM debian:bookworm-slim
COPY --from=build /src/build/keyward_*.deb /tmp/
# apt resolves the package's Depends; its postinst makes the system user keyward.
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/keyward_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/keyward_*.deb \
 && install -d -o keyward -g keyward -m 0700 /var/lib/keyward
# The store, its pepper and the first start's secrets (first-start/admin-api-key and
# first-start/admin-password, mode 0600) live in the volume, never in the container's output.
VOLUME /var/lib/keyward
# The service's settings are /etc/keyward/keyward.toml; these variables override it for the
# container: all interfaces (the port is published by docker run -p), the volume as the data
# directory and the place for the first start's secrets.
ENV KEYWARD_LISTEN=0.0.0.0:8080 \
    KEYWARD_DATA_DIR=/var/lib/keyward \
    KEYWARD_BOOTSTRAP_SECRETS_DIR=/var/lib/keyward/first-start
EXPOSE 8080
USER keyward
# docker stop sends SIGTERM: in-flight requests finish and are written, then exit 0.
ENTRYPOINT ["/usr/bin/keyward"]
CMD ["serve"]
