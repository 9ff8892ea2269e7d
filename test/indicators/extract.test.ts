import {
  extractIndicators,
  INDICATOR_TYPES,
  isTextLikeAttachment,
  MAX_ATTACHMENT_TEXT_BYTES,
  normalizeIndicator,
  type ExtractedIndicator,
  type ExtractedIndicatorType as IndicatorType,
} from '../../src/indicators/extract.js';

const MD5 = '44d88612fea8a8f36de82e1278abb02f';
const SHA1 = '3395856ce81f2b7382dee72602f798b642f14140';
const SHA256 = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f';

function valuesOf(found: ExtractedIndicator[], type: IndicatorType): string[] {
  return found.filter((indicator) => indicator.type === type).map((indicator) => indicator.value);
}

describe('refanging before extraction', () => {
  it.each([
    ['hxxp scheme and [.] dots', 'hxxp://evil[.]example[.]com/payload', 'URL', 'http://evil.example.com/payload'],
    ['hxxps with [:] colon', 'hxxps[:]//login(.)evil{.}com/x', 'URL', 'https://login.evil.com/x'],
    ['hxxps with [://]', 'HXXPS[://]evil[dot]com/y', 'URL', 'https://evil.com/y'],
    ['fxp scheme', 'fxp://files[.]evil(dot)org/drop.zip', 'URL', 'ftp://files.evil.org/drop.zip'],
    ['[.] in an IPv4', 'beacon to 45[.]77[.]10[.]2 every minute', 'IPV4', '45.77.10.2'],
    ['[@] in an e-mail', 'sender: billing[@]evil-pay(.)com', 'EMAIL', 'billing@evil-pay.com'],
    ['[at] with spaces and [dot]', 'reply to ceo [at] evil-pay [dot] com', 'EMAIL', 'ceo@evil-pay.com'],
    ['spoken " dot " inside a hostname', 'the C2 is update dot evil-cdn dot net today', 'DOMAIN', 'update.evil-cdn.net'],
  ] as const)('%s', (_name, text, type, expected) => {
    expect(valuesOf(extractIndicators(text), type)).toContain(expected);
  });

  it('leaves prose with the word "dot" alone', () => {
    expect(extractIndicators('a polka dot dress from the dot com era')).toEqual([]);
  });
});

describe('IP addresses', () => {
  const text = [
    'public 8.8.8.8 and 185.220.101.4;',
    'private 10.1.2.3 172.16.5.4 192.168.0.10, loopback 127.0.0.1, link-local 169.254.1.1,',
    'CGNAT 100.64.3.3, TEST-NET 192.0.2.5 198.51.100.7 203.0.113.9, multicast 224.0.0.251,',
    'reserved 240.1.1.1 255.255.255.255, this-network 0.1.2.3',
  ].join(' ');

  it('keeps only public IPv4 addresses by default', () => {
    expect(valuesOf(extractIndicators(text), 'IPV4')).toEqual(['8.8.8.8', '185.220.101.4']);
  });

  it('keeps every valid address with includePrivateIps', () => {
    expect(valuesOf(extractIndicators(text, { includePrivateIps: true }), 'IPV4')).toEqual([
      '8.8.8.8', '185.220.101.4', '10.1.2.3', '172.16.5.4', '192.168.0.10', '127.0.0.1', '169.254.1.1',
      '100.64.3.3', '192.0.2.5', '198.51.100.7', '203.0.113.9', '224.0.0.251', '240.1.1.1', '255.255.255.255', '0.1.2.3',
    ]);
  });

  it('rejects invalid octets, leading zeros and dotted version strings', () => {
    const found = extractIndicators('256.1.1.1 1.2.3.999 010.8.8.8 agent 10.0.19041.1 build 1.2.3.4.5 v8.8.8.8', { includePrivateIps: true });
    expect(valuesOf(found, 'IPV4')).toEqual([]);
  });

  it('splits an address range and keeps CIDR base addresses', () => {
    expect(valuesOf(extractIndicators('block 45.9.20.1-45.9.20.9 and 91.240.118.0/24'), 'IPV4')).toEqual([
      '45.9.20.1', '45.9.20.9', '91.240.118.0',
    ]);
  });

  it('reports IPv6 in canonical compressed form', () => {
    const found = extractIndicators('from 2606:4700:4700:0000:0000:0000:0000:1111 and [2001:4860:4860::8888]:443 and 2A03:2880:F10C:83:FACE:B00C:0:25DE.');
    expect(valuesOf(found, 'IPV6')).toEqual(['2606:4700:4700::1111', '2001:4860:4860::8888', '2a03:2880:f10c:83:face:b00c:0:25de']);
  });

  it('keeps only global unicast IPv6 unless asked (no loopback, link-local, unique-local, documentation)', () => {
    const text6 = 'lo ::1 any :: ll fe80::1ff:fe23:4567:890a%eth0 ula fd12:3456:789a::1 doc 2001:db8::7 mc ff02::1 ' +
      'mapped ::ffff:10.0.0.1 public 2620:fe::fe ::ffff:8.8.4.4';
    expect(valuesOf(extractIndicators(text6), 'IPV6')).toEqual(['2620:fe::fe', '::ffff:8.8.4.4']);
    expect(valuesOf(extractIndicators(text6, { includePrivateIps: true }), 'IPV6')).toEqual([
      '::1', '::', 'fe80::1ff:fe23:4567:890a', 'fd12:3456:789a::1', '2001:db8::7', 'ff02::1', '::ffff:10.0.0.1', '2620:fe::fe', '::ffff:8.8.4.4',
    ]);
  });

  it('does not mistake times, MAC addresses or C++ scopes for IPv6', () => {
    expect(extractIndicators('at 12:30:45 MAC 00:1a:2b:3c:4d:5e std::vector Foo::Bar::baz', { includePrivateIps: true })).toEqual([]);
  });
});

describe('hashes', () => {
  it('recognises MD5, SHA-1 and SHA-256 by length, lower-cased', () => {
    const found = extractIndicators(`md5=${MD5.toUpperCase()} sha1:${SHA1} sha256 "${SHA256}".`);
    expect(found).toEqual([
      { type: 'MD5', value: MD5 },
      { type: 'SHA1', value: SHA1 },
      { type: 'SHA256', value: SHA256 },
    ]);
  });

  it('does not report the pieces of a longer digest as shorter ones; a SHA-512 is one', () => {
    const sha512 = SHA256 + SHA256.split('').reverse().join('');
    expect(extractIndicators(`${SHA256} ${sha512} ${SHA1}ab ${MD5.slice(0, 31)} ${sha512}0`)).toEqual([
      { type: 'SHA256', value: SHA256 }, { type: 'SHA512', value: sha512 },
    ]);
  });

  it('needs word boundaries and ignores digit-only or padding runs', () => {
    const digits = '1'.repeat(12) + '2345678901234567890';
    expect(extractIndicators(`x${MD5} ${MD5}_y ${digits} ${'0'.repeat(32)} ${'f'.repeat(40)}`)).toEqual([]);
  });
});

describe('URLs', () => {
  it('strips trailing punctuation and unbalanced brackets but keeps balanced ones', () => {
    const text = [
      'See https://evil.example.com/a?b=c.',
      '(mirror: http://mirror.evil.example.net/x)',
      'wiki https://en.wikipedia.org/wiki/Emotet_(malware),',
      "quoted 'https://cdn.evil.org/p.js'; and \"ftp://files.evil.org/dump.tar\"!",
    ].join(' ');
    expect(valuesOf(extractIndicators(text), 'URL')).toEqual([
      'https://evil.example.com/a?b=c',
      'http://mirror.evil.example.net/x',
      'https://en.wikipedia.org/wiki/Emotet_(malware)',
      'https://cdn.evil.org/p.js',
      'ftp://files.evil.org/dump.tar',
    ]);
  });

  it('lower-cases scheme and host only', () => {
    expect(valuesOf(extractIndicators('HTTPS://Evil.Example.COM/Path/File.PHP?Q=A'), 'URL')).toEqual(['https://evil.example.com/Path/File.PHP?Q=A']);
  });

  it('reports the host of a URL as a DOMAIN (or IP) as well', () => {
    expect(extractIndicators('get http://payload.evil.zip/a and http://45.77.10.2:8080/b')).toEqual([
      { type: 'URL', value: 'http://payload.evil.zip/a' },
      { type: 'DOMAIN', value: 'payload.evil.zip' },
      { type: 'URL', value: 'http://45.77.10.2:8080/b' },
      { type: 'IPV4', value: '45.77.10.2' },
    ]);
  });

  it('drops URLs on private addresses and internal names unless private IPs are wanted', () => {
    const text = 'http://10.0.0.5/admin http://localhost:8080/x http://files.corp/y http://[fe80::1]/z';
    expect(extractIndicators(text)).toEqual([]);
    expect(valuesOf(extractIndicators(text, { includePrivateIps: true }), 'URL')).toEqual([
      'http://10.0.0.5/admin', 'http://files.corp/y', 'http://[fe80::1]/z',
    ]);
  });
});

describe('e-mail addresses and domains', () => {
  it('extracts e-mail addresses lower-cased, with their domain', () => {
    expect(extractIndicators('From: "Pay Team" <Billing.Team+x@Evil-Pay.CO.UK>')).toEqual([
      { type: 'EMAIL', value: 'billing.team+x@evil-pay.co.uk' },
      { type: 'DOMAIN', value: 'evil-pay.co.uk' },
    ]);
  });

  it('does not take file names, versions or field paths for domains', () => {
    const text = 'attached report.pdf, image.png, file.txt, notes.docx, run.exe, script.py, README.md, ' +
      'backup.zip, libssl.so.1.1, version 2.4.1, user.id, event.id, logger.info(msg), e.g. i.e.';
    expect(extractIndicators(text)).toEqual([]);
  });

  it('keeps real domains: subdomains, country codes, trailing dot and wildcard', () => {
    const found = extractIndicators('Visit WWW.Evil-Site.com. or shop.example.co.id, *.bad.ru and xn--80ak6aa92e.com');
    expect(valuesOf(found, 'DOMAIN')).toEqual(['www.evil-site.com', 'shop.example.co.id', 'bad.ru', 'xn--80ak6aa92e.com']);
  });
});

describe('de-duplication, order and options', () => {
  it('reports each (type, value) once, in order of first appearance', () => {
    const text = `evil.com 8.8.8.8 EVIL.COM evil[.]com ${MD5} 8.8.8.8 ${MD5.toUpperCase()} evil.com`;
    expect(extractIndicators(text)).toEqual([
      { type: 'DOMAIN', value: 'evil.com' },
      { type: 'IPV4', value: '8.8.8.8' },
      { type: 'MD5', value: MD5 },
    ]);
  });

  it('reports CVE ids only with includeCves', () => {
    const text = 'patch cve-2021-44228 and CVE-2023-4863';
    expect(extractIndicators(text)).toEqual([]);
    expect(extractIndicators(text, { includeCves: true })).toEqual([
      { type: 'CVE', value: 'CVE-2021-44228' },
      { type: 'CVE', value: 'CVE-2023-4863' },
    ]);
  });

  it('lists every indicator type once', () => {
    expect(INDICATOR_TYPES).toEqual(['IPV4', 'IPV6', 'DOMAIN', 'URL', 'EMAIL', 'MD5', 'SHA1', 'SHA256', 'SHA512', 'SSDEEP', 'CVE']);
  });

  it('extracts from a 1 MB mixed text and still finds what is buried in it', () => {
    const filler = 'Lorem ipsum dolor sit amet, 10.0.0.1 consectetur report.pdf adipiscing 12:30:45 elit user.id. ';
    const chunks: string[] = [];
    let size = 0;
    for (let i = 0; size < 1024 * 1024; i += 1) {
      const line = i % 500 === 0 ? `alert ${i}: hxxp://c2-${i}[.]evil[.]net/gate from 91.240.${i % 256}.7\n` : filler;
      chunks.push(line);
      size += line.length;
    }
    const found = extractIndicators(chunks.join(''));
    expect(found).toContainEqual({ type: 'URL', value: 'http://c2-0.evil.net/gate' });
    expect(found).toContainEqual({ type: 'IPV4', value: '91.240.0.7' });
    expect(valuesOf(found, 'IPV4')).not.toContain('10.0.0.1');
    expect(valuesOf(found, 'URL').length).toBeGreaterThan(20);
  });

  it('copes with pathological input', () => {
    const hostile = ['a.'.repeat(100_000) + 'a_', ':'.repeat(200_000), '[.]'.repeat(50_000), 'a@'.repeat(100_000), `http://x.com/${'('.repeat(50_000)}`];
    for (const text of hostile) expect(Array.isArray(extractIndicators(text))).toBe(true);
  });
});

describe('normalizeIndicator', () => {
  it.each([
    ['DOMAIN', 'Evil.Example.COM.', 'evil.example.com'],
    ['DOMAIN', 'evil[.]com', 'evil.com'],
    ['EMAIL', 'Bob@Evil.COM', 'bob@evil.com'],
    ['MD5', MD5.toUpperCase(), MD5],
    ['SHA256', ` ${SHA256.toUpperCase()} `, SHA256],
    ['IPV4', ' 8.8.8.8 ', '8.8.8.8'],
    ['IPV6', '2001:0DB8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['IPV6', '[2001:4860:4860:0:0:0:0:8888]', '2001:4860:4860::8888'],
    ['IPV6', '::FFFF:8.8.8.8', '::ffff:8.8.8.8'],
    ['URL', 'HXXPS://Evil[.]COM/Path?A=B', 'https://evil.com/Path?A=B'],
    ['CVE', 'cve-2024-3094', 'CVE-2024-3094'],
  ] as const)('%s %s -> %s', (type, input, expected) => {
    expect(normalizeIndicator(type, input)).toBe(expected);
  });
});

describe('isTextLikeAttachment', () => {
  it.each(['notes.txt', 'export.CSV', 'app.log', 'phish.eml', 'alert.json', 'page.html', 'page.htm', 'feed.xml', 'README.md'])(
    'reads %s as text',
    (name) => expect(isTextLikeAttachment(name)).toBe(true),
  );

  it.each(['invoice.pdf', 'photo.png', 'dropper.exe', 'archive.zip', 'noextension'])('does not read %s', (name) => {
    expect(isTextLikeAttachment(name)).toBe(false);
  });

  it('falls back to a textual content type', () => {
    expect(isTextLikeAttachment('blob', 'text/plain; charset=utf-8')).toBe(true);
    expect(isTextLikeAttachment('message', 'message/rfc822')).toBe(true);
    expect(isTextLikeAttachment('data.bin', 'application/octet-stream')).toBe(false);
  });

  it('caps attachment text at 2 MiB', () => {
    expect(MAX_ATTACHMENT_TEXT_BYTES).toBe(2 * 1024 * 1024);
  });
});
