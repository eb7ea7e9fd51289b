/** What a pipeline worker exits with once it hears it was fenced: it stops, as Kafka prescribes. */
export const FENCED_EXIT_STATUS = 3;
