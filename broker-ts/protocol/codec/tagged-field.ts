/** One entry of a tagged-field section (KIP-482), its value still encoded. */
export interface TaggedField {
  tag: number;
  data: Buffer;
}
