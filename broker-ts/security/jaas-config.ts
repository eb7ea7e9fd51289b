// Kafka's `sasl.jaas.config` value: one JAAS login module entry,
//   org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="s3cret" user_admin="s3cret";
// a class name, a control flag, options (quoted or bare values), and a closing semicolon.

export const PLAIN_LOGIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
export const SCRAM_LOGIN_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';

const CONTROL_FLAGS = ['required', 'requisite', 'sufficient', 'optional'];

export interface JaasEntry {
  loginModule: string;
  controlFlag: string;
  options: ReadonlyMap<string, string>;
}

export class JaasConfigError extends Error {
  override readonly name = 'JaasConfigError';
}

/** Parses one login module entry; throws JaasConfigError saying what is wrong. */
export function parseJaasConfig(text: string): JaasEntry {
  const tokens = tokenize(text);
  let at = 0;
  const next = (what: string): Token => {
    const token = tokens[at++];
    if (token === undefined) throw new JaasConfigError(`expected ${what} but the value ended`);
    return token;
  };
  const loginModule = next('a login module class');
  if (loginModule.kind !== 'word') throw new JaasConfigError('expected a login module class name first');
  const flag = next('a control flag');
  if (flag.kind !== 'word' || !CONTROL_FLAGS.includes(flag.text.toLowerCase())) {
    throw new JaasConfigError(`expected a control flag (${CONTROL_FLAGS.join(', ')}) after ${loginModule.text}`);
  }
  const options = new Map<string, string>();
  for (;;) {
    const token = next('an option or ";"');
    if (token.kind === 'semicolon') break;
    if (token.kind !== 'word') throw new JaasConfigError(`expected an option name, found ${JSON.stringify(token.text)}`);
    const equals = next(`"=" after ${token.text}`);
    if (equals.kind !== 'equals') throw new JaasConfigError(`expected "=" after option ${token.text}`);
    const value = next(`a value for ${token.text}`);
    if (value.kind !== 'word' && value.kind !== 'quoted') throw new JaasConfigError(`expected a value for option ${token.text}`);
    options.set(token.text, value.text);
  }
  if (at !== tokens.length) throw new JaasConfigError('sasl.jaas.config must contain exactly one login module entry');
  return { loginModule: loginModule.text, controlFlag: flag.text.toLowerCase(), options };
}

interface Token {
  kind: 'word' | 'quoted' | 'equals' | 'semicolon';
  text: string;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === ';') {
      tokens.push({ kind: c === '=' ? 'equals' : 'semicolon', text: c });
      i++;
    } else if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new JaasConfigError('a quoted value is not closed');
        const d = text[i]!;
        if (d === c) break;
        if (d === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      tokens.push({ kind: 'quoted', text: value });
    } else {
      const match = /^[^\s=;"']+/.exec(text.slice(i))!;
      tokens.push({ kind: 'word', text: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}
