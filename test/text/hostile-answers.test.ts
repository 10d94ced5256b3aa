/**
 * Answers are untrusted: URLs, code and assistant boilerplate in an answer are rejected with a
 * reason, never counted as value words, while the real values beside them are kept.
 */
import { describe, expect, it } from 'vitest';
import { parseElicitation } from '../../src/text/parse.js';

const accepted = (text: string): string[] => parseElicitation(text).items.flatMap((i) => (i.descriptor ? [i.descriptor] : []));
const rejects = (text: string): Array<[string, string | undefined]> => parseElicitation(text).items.filter((i) => !i.descriptor).map((i) => [i.raw, i.reject]);

describe('hostile answers', () => {
  it('rejects URLs and script URIs as url (no "javascript" or "https" term)', () => {
    const text = '- javascript:alert(1)\n- Honesty\n- https://evil.example/x\n- www.evil.com\n- data:text/html;base64,PHNjcmlwdD4=\n- Kindness';
    expect(accepted(text)).toEqual(['honesty', 'kindness']);
    expect(rejects(text).map(([, r]) => r)).toEqual(['url', 'url', 'url', 'url']);
  });

  it('rejects code (markup, calls, templates, SQL, shell) as code, and programming words', () => {
    const text = '1. <script>alert(1)</script>\n2. console.log("x")\n3. ${7*7}\n4. SELECT * FROM users\n5. rm -rf /\n6. onerror=alert(1)\n7. **JavaScript**\n8. Fairness';
    expect(accepted(text)).toEqual(['fairness']);
    expect(rejects(text).map(([, r]) => r)).toEqual(['code', 'code', 'code', 'code', 'code', 'code', 'code']);
  });

  it('rejects assistant boilerplate ("as an AI assistant", "I am a language model") as boilerplate', () => {
    expect(accepted('As an AI assistant, honesty, kindness, fairness')).toEqual(['honesty', 'kindness', 'fairness']);
    expect(rejects('As an AI assistant, honesty, kindness, fairness')).toEqual([['As an AI assistant', 'boilerplate']]);
    expect(rejects('["I am an AI language model", "honesty", "care"]')).toEqual([['I am an AI language model', 'boilerplate']]);
  });

  it('keeps ordinary value answers unchanged (no false alarms on colons, parentheses and semicolons)', () => {
    expect(accepted('1. Honesty: telling the truth\n2. Kindness (to everyone)\n3. Fairness;\n4. Data privacy: protecting user data')).toEqual(['honesty', 'kindness', 'fairness', 'data privacy']);
    expect(accepted('I value honesty, curiosity and fairness above all, as well as kindness.')).toContain('honesty');
  });

  it('does not mine URL or code words from prose', () => {
    expect(accepted('My integrity matters; see https://example.com/honesty-policy and javascript:void(0) for details.')).not.toContain('javascript');
  });
});
