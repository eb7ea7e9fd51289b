// One consumer-group member of the harness, with Kafka's own Java client: the twin of
// consumer-child-main.ts (same arguments' meaning, same journal, history and stdout lines), so an
// experiment can run its group with the classic protocol or KIP-848's (group.protocol=consumer).
// Processing a message means appending it to the member's durable journal; when the offset is
// committed relative to that is the commit mode. Built by java-member.ts against the pinned
// kafka-clients jar; it uses nothing else.
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public final class ConsumerMember {
  private static FileChannel journal;
  private static FileChannel history;
  private static String member;
  private static double epochMs;
  private static volatile int generation = 0;

  public static void main(String[] args) throws Exception {
    if (args.length != 11) {
      System.err.println("usage: ConsumerMember member brokers groupId topic commit processingMs journalFile historyFile epochMs sessionTimeoutMs groupProtocol");
      System.exit(2);
    }
    member = args[0];
    String brokers = args[1], groupId = args[2], topic = args[3], commit = args[4];
    long processingMs = Long.parseLong(args[5]);
    // A journal or history is never appended to: a member's next incarnation writes files of its own.
    journal = FileChannel.open(Path.of(args[6]), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    history = FileChannel.open(Path.of(args[7]), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    epochMs = Double.parseDouble(args[8]);
    int sessionTimeoutMs = Integer.parseInt(args[9]);
    String groupProtocol = args[10];
    boolean auto = commit.startsWith("auto-");

    Properties props = new Properties();
    props.put("bootstrap.servers", brokers);
    props.put("group.id", groupId);
    props.put("client.id", "kafka-chaos-" + member);
    props.put("group.protocol", groupProtocol);
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    props.put("auto.offset.reset", "earliest");
    props.put("enable.auto.commit", Boolean.toString(auto));
    props.put("auto.commit.interval.ms", "500");
    // One message per poll: each is processed and committed on its own, as the kafkajs member does.
    props.put("max.poll.records", "1");
    props.put("fetch.max.wait.ms", "250");
    props.put("request.timeout.ms", "10000");
    if (groupProtocol.equals("classic")) {
      // With the consumer protocol the session belongs to the broker (group.consumer.session.timeout.ms).
      props.put("session.timeout.ms", Integer.toString(sessionTimeoutMs));
      props.put("heartbeat.interval.ms", Integer.toString(Math.max(100, sessionTimeoutMs / 5)));
    }

    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
    // Unawaited work runs concurrently, as kafkajs's unawaited handlers do.
    ExecutorService unawaited = Executors.newCachedThreadPool();
    Thread main = Thread.currentThread();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      consumer.wakeup();
      try {
        main.join(5000);
      } catch (InterruptedException ignored) {
      }
    }));

    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
      @Override public void onPartitionsAssigned(Collection<TopicPartition> partitions) { generation++; }
      @Override public void onPartitionsRevoked(Collection<TopicPartition> partitions) { generation++; }
      @Override public void onPartitionsLost(Collection<TopicPartition> partitions) { generation++; }
    });
    line("ready");
    try {
      while (true) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          long id = messageId(record.value());
          write(history, "{\"f\":\"poll\",\"type\":\"ok\",\"process\":-2,\"consumer\":\"" + member + "\",\"generation\":" + generation + ",\"time\":" + now()
              + ",\"reads\":[[" + record.partition() + "," + record.offset() + "," + id + "]]" + (isIntact(record.value()) ? "" : ",\"corrupt\":[0]") + "}\n", false);
          Map<TopicPartition, OffsetAndMetadata> next = Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
          switch (commit) {
            case "before-processing" -> {
              commitSync(consumer, next);
              handle(record, id, processingMs);
            }
            case "after-processing" -> {
              handle(record, id, processingMs);
              commitSync(consumer, next);
            }
            case "auto-awaited" -> handle(record, id, processingMs);
            // The poll loop goes on before the work is done: auto-commit may count the message as processed.
            case "auto-unawaited" -> unawaited.submit(() -> {
              handle(record, id, processingMs);
              return null;
            });
            default -> throw new IllegalArgumentException("unknown commit mode " + commit);
          }
        }
      }
    } catch (WakeupException stopping) {
      // SIGTERM: leave the group, politely but briefly.
    } finally {
      unawaited.shutdown();
      unawaited.awaitTermination(processingMs + 1000, TimeUnit.MILLISECONDS);
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(3)));
      journal.close();
      history.close();
    }
  }

  /** A commit that fails (the partition moved, a stale epoch) leaves the message to be read again, as kafkajs's member does. */
  private static void commitSync(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      System.err.println("commit failed: " + e);
    }
  }

  private static void handle(ConsumerRecord<byte[], byte[]> record, long id, long processingMs) throws IOException, InterruptedException {
    // The harness counts work in progress from these lines, so a fault can strike in the middle of it.
    line("processing");
    Thread.sleep(processingMs);
    synchronized (journal) {
      write(journal, "{\"member\":\"" + member + "\",\"partition\":" + record.partition() + ",\"offset\":" + record.offset() + ",\"id\":" + id + ",\"time\":"
          + System.currentTimeMillis() + "}\n", true);
    }
    line("processed");
  }

  private static synchronized void line(String text) {
    System.out.println(text);
    System.out.flush();
  }

  private static void write(FileChannel file, String text, boolean durable) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) file.write(bytes);
    if (durable) file.force(false);
  }

  /** Milliseconds since the run's time zero, to the microsecond (the harness's HistoryRecorder.now). */
  private static String now() {
    Instant t = Instant.now();
    double ms = t.getEpochSecond() * 1000.0 + t.getNano() / 1_000_000.0 - epochMs;
    return String.format(java.util.Locale.ROOT, "%.3f", ms);
  }

  /** The workload's message id: decimal digits before '|', else -1 (message.ts decodeMessageId). */
  private static long messageId(byte[] value) {
    if (value == null) return -1;
    long id = 0;
    for (int i = 0; i < value.length && i < 17; i++) {
      byte c = value[i];
      if (c == '|') return i == 0 ? -1 : id;
      if (c < '0' || c > '9') return -1;
      id = id * 10 + (c - '0');
    }
    return -1;
  }

  /** An id, '|' and '.' padding only (message.ts isIntactMessage). */
  private static boolean isIntact(byte[] value) {
    if (value == null || messageId(value) < 0) return false;
    int bar = 0;
    while (value[bar] != '|') bar++;
    for (int i = bar + 1; i < value.length; i++) if (value[i] != '.') return false;
    return true;
  }
}
