import { describe, expect, it } from 'vitest';
import { ScramClient, ScramFormatError, escapeSaslName, parseScramAttributes, scramCredential, unescapeSaslName, verifyClientProof } from './scram.js';
import { parsePlainToken, encodePlainToken } from './plain.js';

describe('SCRAM', () => {
  it('reproduces the SCRAM-SHA-256 exchange of RFC 7677', () => {
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(client.firstMessage().toString()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
    expect(client.finalMessage(Buffer.from(serverFirst)).toString()).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(() => client.verifyServerFinal(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).not.toThrow();
    expect(() => client.verifyServerFinal(Buffer.from('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).toThrow(ScramFormatError);
  });

  it('verifies a proof against a stored credential, and refuses a wrong one', () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const credential = scramCredential('SCRAM-SHA-256', 'pencil', 4096, salt);
    const authMessage =
      'n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    expect(verifyClientProof('SCRAM-SHA-256', credential, authMessage, proof)).toBe(true);
    proof[0]! ^= 1;
    expect(verifyClientProof('SCRAM-SHA-256', credential, authMessage, proof)).toBe(false);
  });

  it('refuses a server that does not extend the client nonce or asks for too few iterations', () => {
    const client = new ScramClient('SCRAM-SHA-512', 'user', 'pw', 'abc');
    client.firstMessage();
    expect(() => client.finalMessage(Buffer.from('r=xyz123,s=AAAA,i=4096'))).toThrow(/nonce/);
    expect(() => client.finalMessage(Buffer.from('r=abc123,s=AAAA,i=1'))).toThrow(/iterations/);
  });

  it('escapes user names and parses attributes strictly', () => {
    expect(escapeSaslName('a,b=c')).toBe('a=2Cb=3Dc');
    expect(unescapeSaslName('a=2Cb=3Dc')).toBe('a,b=c');
    expect(() => unescapeSaslName('a=41')).toThrow(ScramFormatError);
    expect([...parseScramAttributes('n=u,r=x=y')]).toEqual([
      ['n', 'u'],
      ['r', 'x=y'],
    ]);
    expect(() => parseScramAttributes('n=u,n=v')).toThrow(/twice/);
  });
});

describe('PLAIN', () => {
  it('round-trips a token and rejects one without three parts', () => {
    expect(parsePlainToken(encodePlainToken('alice', 'secret'))).toEqual({ authorizationId: '', username: 'alice', password: 'secret' });
    expect(parsePlainToken(Buffer.from('alice\u0000secret'))).toBeUndefined();
  });
});
