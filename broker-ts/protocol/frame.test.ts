import { describe, expect, it } from 'vitest';
import { FrameDecoder } from './frame.js';

function frame(body: string): Buffer {
  const bytes = Buffer.from(body);
  const size = Buffer.alloc(4);
  size.writeInt32BE(bytes.length, 0);
  return Buffer.concat([size, bytes]);
}

describe('FrameDecoder', () => {
  it('yields frames without their size prefix, several per chunk', () => {
    const decoder = new FrameDecoder();
    const { frames, error } = decoder.push(Buffer.concat([frame('one'), frame('two'), frame('')]));
    expect(error).toBeUndefined();
    expect(frames.map(String)).toEqual(['one', 'two', '']);
    expect(decoder.buffered).toBe(0);
  });

  it('reassembles frames split at every possible byte', () => {
    const stream = Buffer.concat([frame('hello'), frame('world!')]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder();
      const first = decoder.push(stream.subarray(0, cut));
      const second = decoder.push(stream.subarray(cut));
      expect([...first.frames, ...second.frames].map(String)).toEqual(['hello', 'world!']);
    }
  });

  it('reassembles a frame delivered one byte at a time', () => {
    const decoder = new FrameDecoder();
    const frames: Buffer[] = [];
    for (const byte of frame('bytewise')) frames.push(...decoder.push(Buffer.from([byte])).frames);
    expect(frames.map(String)).toEqual(['bytewise']);
  });

  it('returns views when a frame sits in one chunk', () => {
    const chunk = frame('view');
    const [only] = new FrameDecoder().push(chunk).frames;
    expect(only!.buffer).toBe(chunk.buffer);
  });

  it('reports a negative size and stays failed', () => {
    const decoder = new FrameDecoder();
    const { frames, error } = decoder.push(Buffer.concat([frame('ok'), Buffer.from('ffffffff', 'hex')]));
    expect(frames.map(String)).toEqual(['ok']);
    expect(error?.reason).toBe('negative-frame-size');
    expect(decoder.push(frame('later'))).toEqual({ frames: [], error });
  });

  it('reports an oversized frame as soon as its size is known', () => {
    const decoder = new FrameDecoder(1024);
    const { frames, error } = decoder.push(Buffer.from('7fffffff', 'hex'));
    expect(frames).toEqual([]);
    expect(error?.reason).toBe('frame-too-large');
  });

  it('accepts a frame of exactly the maximum size', () => {
    const decoder = new FrameDecoder(5);
    expect(decoder.push(frame('12345')).frames.map(String)).toEqual(['12345']);
  });
});
