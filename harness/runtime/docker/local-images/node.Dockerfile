# Node.js for broker-ts, laid out like the official node image: this machine's node binary and
# npm (Debian's nodejs is older than the Node.js the project needs), trusting the certificate
# authorities this machine's Node.js trusts, so that npm works in builds wherever it works on the
# host (behind a TLS-inspecting proxy too). Context: node, npm/ and ca-certificates.crt.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY node /usr/local/bin/node
COPY npm/ /usr/local/lib/node_modules/npm/
COPY ca-certificates.crt /usr/local/share/kafka-chaos/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/kafka-chaos/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
