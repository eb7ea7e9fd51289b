/** What kafkajs keeps in its CompressionCodecs table: a factory of { compress, decompress }. */
export type KafkajsCodecFactory = () => {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
};
