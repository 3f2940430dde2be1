// SOAP 1.2 plumbing of the simulated ONVIF camera: read the few things a camera needs from a
// request (the action, the WS-Security token, a parameter) and write envelopes and faults.
// Requests are read with anchored regular expressions on local names, as small camera
// firmwares do: namespace prefixes vary between clients, so they are ignored.

export const NS = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
  ter: 'http://www.onvif.org/ver10/error',
  a: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  d: 'http://schemas.xmlsoap.org/ws/2005/04/discovery',
  dn: 'http://www.onvif.org/ver10/network/wsdl',
} as const;

const NAME = '[A-Za-z_][\\w.-]*';
const PREFIX = `(?:${NAME}:)?`;

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) ? String.fromCodePoint(code) : m;
  });
}

/** The local name of the first element inside Body: ONVIF dispatches on it (no SOAPAction needed). */
export function bodyAction(xml: string): string | null {
  const m = new RegExp(`<${PREFIX}Body(?:\\s[^>]*)?>\\s*<${PREFIX}(${NAME})`).exec(xml);
  return m ? m[1]! : null;
}

/** Text of the first element with this local name (entities decoded), or null. */
export function elementText(xml: string, localName: string): string | null {
  const m = new RegExp(`<${PREFIX}${localName}(?:\\s[^>]*)?>([^<]*)</${PREFIX}${localName}\\s*>`).exec(xml);
  return m ? unescapeXml(m[1]!.trim()) : null;
}

/** Attribute value on the first element with this local name, or null. */
export function elementAttr(xml: string, localName: string, attr: string): string | null {
  const tag = new RegExp(`<${PREFIX}${localName}(\\s[^>]*)?/?>`).exec(xml);
  if (!tag || !tag[1]) return null;
  const m = new RegExp(`(?:^|\\s)${PREFIX}${attr}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(tag[1]);
  return m ? unescapeXml(m[2] ?? m[3] ?? '') : null;
}

export interface UsernameToken {
  username: string;
  password: string;
  /** the Password element's Type attribute (PasswordDigest or PasswordText) */
  passwordType: string;
  nonce: string | null;
  created: string | null;
}

/** The WS-Security UsernameToken of the Header, or null when the request carries none. */
export function usernameToken(xml: string): UsernameToken | null {
  const header = new RegExp(`<${PREFIX}Header(?:\\s[^>]*)?>([\\s\\S]*?)</${PREFIX}Header\\s*>`).exec(xml)?.[1];
  if (!header) return null;
  const token = new RegExp(`<${PREFIX}UsernameToken(?:\\s[^>]*)?>([\\s\\S]*?)</${PREFIX}UsernameToken\\s*>`).exec(header)?.[1];
  if (!token) return null;
  return {
    username: elementText(token, 'Username') ?? '',
    password: elementText(token, 'Password') ?? '',
    passwordType: elementAttr(token, 'Password', 'Type') ?? '',
    nonce: elementText(token, 'Nonce'),
    created: elementText(token, 'Created'),
  };
}

/**
 * A response envelope. Namespaces are declared on Envelope, never on the response element:
 * node-onvif's xml2js keeps attributes of inner elements as data (`$`).
 */
export function envelope(body: string, header = '', ns: readonly (keyof typeof NS)[] = ['s', 'tds', 'trt', 'tt', 'ter']): string {
  const decl = ns.map((p) => `xmlns:${p}="${NS[p]}"`).join(' ');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope ${decl}>${header ? `<s:Header>${header}</s:Header>` : ''}<s:Body>${body}</s:Body></s:Envelope>`;
}

export interface SoapFault {
  /** HTTP status the fault travels with */
  status: number;
  code: 'Sender' | 'Receiver';
  /** ONVIF subcode, e.g. ter:NotAuthorized */
  subcode: string;
  reason: string;
}

export const FAULTS = {
  notAuthorized: { status: 400, code: 'Sender', subcode: 'ter:NotAuthorized', reason: 'Sender not Authorized' },
  actionNotSupported: { status: 500, code: 'Receiver', subcode: 'ter:ActionNotSupported', reason: 'Optional Action Not Implemented' },
  wellFormed: { status: 400, code: 'Sender', subcode: 'ter:WellFormed', reason: 'Well-formed Error' },
  noProfile: { status: 400, code: 'Sender', subcode: 'ter:InvalidArgVal', reason: 'The requested profile token ProfileToken does not exist' },
  invalidStreamSetup: { status: 400, code: 'Sender', subcode: 'ter:InvalidArgVal', reason: 'Specification of StreamType or Transport part in StreamSetup is not supported' },
} as const satisfies Record<string, SoapFault>;

export function faultEnvelope(f: SoapFault): string {
  return envelope(
    `<s:Fault><s:Code><s:Value>s:${f.code}</s:Value><s:Subcode><s:Value>${f.subcode}</s:Value></s:Subcode></s:Code>`
    + `<s:Reason><s:Text xml:lang="en">${escapeXml(f.reason)}</s:Text></s:Reason></s:Fault>`,
  );
}
