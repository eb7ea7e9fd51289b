# Apache Kafka from the jars the harness assembled from Maven Central, laid out like the official
# apache/kafka image (/opt/kafka/libs, java on PATH). Context: the cached Kafka install.
ARG JAVA_IMAGE
FROM ${JAVA_IMAGE}
ARG KAFKA_VERSION
LABEL org.apache.kafka.version=${KAFKA_VERSION}
COPY libs/ /opt/kafka/libs/
