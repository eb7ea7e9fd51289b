# toxiproxy from the binary the harness built with `go install`, with the official image's
# entry point (/toxiproxy). Context: a folder holding toxiproxy-server.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY toxiproxy-server /toxiproxy
EXPOSE 8474
ENTRYPOINT ["/toxiproxy"]
CMD ["-host=0.0.0.0"]
