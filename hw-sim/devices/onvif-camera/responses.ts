// ONVIF response bodies of the simulated camera (Device and Media services, ONVIF Core and
// Media 1 specifications), shaped like a common fixed dome camera's answers. Every one holds
// exactly what node-onvif 0.1.7 reads during init() (docs: shared/docs/onvif-node.md), plus
// the mandatory fields a stricter client would look for.
import { escapeXml as x } from './soap.ts';

export interface CameraIdentity {
  manufacturer: string;
  model: string;
  firmware: string;
  serial: string;
  hardwareId: string;
  /** friendly name (the onvif://www.onvif.org/name/ scope) */
  name: string;
  location: string;
}

export interface CameraUrls {
  device: string;
  media: string;
  imaging: string;
  snapshot: string;
  rtsp: string;
}

export interface VideoFormat {
  width: number;
  height: number;
}

export const PROFILE_TOKEN = 'profile_1';
/** Bonin stations keep UTC in the data; the camera's display clock is set to Japan time. */
const TIME_ZONE = 'JST-9';
const JST_OFFSET_MS = 9 * 3600_000;

function dateTime(ts: number): string {
  const d = new Date(ts);
  return `<tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>`
    + `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date>`;
}

/** `cameraNow` is the camera's own clock (skew included). */
export function systemDateAndTime(cameraNow: number): string {
  return '<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>'
    + '<tt:DateTimeType>Manual</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>'
    + `<tt:TimeZone><tt:TZ>${TIME_ZONE}</tt:TZ></tt:TimeZone>`
    + `<tt:UTCDateTime>${dateTime(cameraNow)}</tt:UTCDateTime>`
    + `<tt:LocalDateTime>${dateTime(cameraNow + JST_OFFSET_MS)}</tt:LocalDateTime>`
    + '</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>';
}

export function capabilities(u: CameraUrls): string {
  return '<tds:GetCapabilitiesResponse><tds:Capabilities>'
    + `<tt:Device><tt:XAddr>${x(u.device)}</tt:XAddr>`
    + '<tt:Network><tt:IPFilter>false</tt:IPFilter><tt:ZeroConfiguration>false</tt:ZeroConfiguration><tt:IPVersion6>false</tt:IPVersion6><tt:DynDNS>false</tt:DynDNS></tt:Network>'
    + '<tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve><tt:DiscoveryBye>true</tt:DiscoveryBye><tt:RemoteDiscovery>false</tt:RemoteDiscovery>'
    + '<tt:SystemBackup>false</tt:SystemBackup><tt:SystemLogging>false</tt:SystemLogging><tt:FirmwareUpgrade>false</tt:FirmwareUpgrade>'
    + '<tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tt:SupportedVersions></tt:System>'
    + '<tt:Security><tt:TLS1.1>false</tt:TLS1.1><tt:TLS1.2>false</tt:TLS1.2><tt:OnboardKeyGeneration>false</tt:OnboardKeyGeneration><tt:AccessPolicyConfig>false</tt:AccessPolicyConfig>'
    + '<tt:X.509Token>false</tt:X.509Token><tt:SAMLToken>false</tt:SAMLToken><tt:KerberosToken>false</tt:KerberosToken><tt:RELToken>false</tt:RELToken></tt:Security>'
    + '</tt:Device>'
    + `<tt:Imaging><tt:XAddr>${x(u.imaging)}</tt:XAddr></tt:Imaging>`
    + `<tt:Media><tt:XAddr>${x(u.media)}</tt:XAddr>`
    + '<tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities>'
    + '</tt:Media>'
    + '</tds:Capabilities></tds:GetCapabilitiesResponse>';
}

export function services(u: CameraUrls): string {
  const svc = (ns: string, addr: string) => `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${x(addr)}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`;
  return '<tds:GetServicesResponse>'
    + svc('http://www.onvif.org/ver10/device/wsdl', u.device)
    + svc('http://www.onvif.org/ver10/media/wsdl', u.media)
    + svc('http://www.onvif.org/ver20/imaging/wsdl', u.imaging)
    + '</tds:GetServicesResponse>';
}

export function deviceInformation(id: CameraIdentity): string {
  return '<tds:GetDeviceInformationResponse>'
    + `<tds:Manufacturer>${x(id.manufacturer)}</tds:Manufacturer><tds:Model>${x(id.model)}</tds:Model>`
    + `<tds:FirmwareVersion>${x(id.firmware)}</tds:FirmwareVersion><tds:SerialNumber>${x(id.serial)}</tds:SerialNumber>`
    + `<tds:HardwareId>${x(id.hardwareId)}</tds:HardwareId>`
    + '</tds:GetDeviceInformationResponse>';
}

/** Scope URIs: spaces become `_` (node-onvif turns them back), anything else URI-escaped. */
export function scopeValue(s: string): string {
  return encodeURIComponent(s.replace(/ /g, '_')).replace(/%2F/gi, '_');
}

export function scopeList(id: CameraIdentity): string[] {
  return [
    'onvif://www.onvif.org/type/video_encoder',
    'onvif://www.onvif.org/Profile/Streaming',
    `onvif://www.onvif.org/hardware/${scopeValue(id.model)}`,
    `onvif://www.onvif.org/name/${scopeValue(id.name)}`,
    `onvif://www.onvif.org/location/${scopeValue(id.location)}`,
  ];
}

export function scopes(id: CameraIdentity): string {
  return '<tds:GetScopesResponse>'
    + scopeList(id).map((s) => `<tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef><tt:ScopeItem>${x(s)}</tt:ScopeItem></tds:Scopes>`).join('')
    + '</tds:GetScopesResponse>';
}

export function hostname(name: string): string {
  return `<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP><tt:Name>${x(name.replace(/[^\w-]/g, '-'))}</tt:Name></tds:HostnameInformation></tds:GetHostnameResponse>`;
}

/** One H.264 main stream with JPEG snapshots, at the picture size the camera renders. */
export function profiles(v: VideoFormat): string {
  return '<trt:GetProfilesResponse>'
    + `<trt:Profiles token="${PROFILE_TOKEN}" fixed="true"><tt:Name>mainStream</tt:Name>`
    + '<tt:VideoSourceConfiguration token="vsc_1"><tt:Name>VideoSourceConfig_1</tt:Name><tt:UseCount>1</tt:UseCount><tt:SourceToken>vs_1</tt:SourceToken>'
    + `<tt:Bounds x="0" y="0" width="${v.width}" height="${v.height}"/></tt:VideoSourceConfiguration>`
    + '<tt:VideoEncoderConfiguration token="vec_1"><tt:Name>VideoEncoder_1</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding>'
    + `<tt:Resolution><tt:Width>${v.width}</tt:Width><tt:Height>${v.height}</tt:Height></tt:Resolution><tt:Quality>4</tt:Quality>`
    + '<tt:RateControl><tt:FrameRateLimit>5</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>512</tt:BitrateLimit></tt:RateControl>'
    + '<tt:H264><tt:GovLength>10</tt:GovLength><tt:H264Profile>Main</tt:H264Profile></tt:H264>'
    + '<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address><tt:Port>0</tt:Port><tt:TTL>1</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>'
    + '<tt:SessionTimeout>PT60S</tt:SessionTimeout></tt:VideoEncoderConfiguration>'
    + '</trt:Profiles></trt:GetProfilesResponse>';
}

function mediaUri(uri: string): string {
  return `<trt:MediaUri><tt:Uri>${x(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri>`;
}

export function streamUri(u: CameraUrls): string {
  return `<trt:GetStreamUriResponse>${mediaUri(u.rtsp)}</trt:GetStreamUriResponse>`;
}

export function snapshotUri(u: CameraUrls): string {
  return `<trt:GetSnapshotUriResponse>${mediaUri(u.snapshot)}</trt:GetSnapshotUriResponse>`;
}
