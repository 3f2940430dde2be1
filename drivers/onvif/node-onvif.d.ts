// The part of node-onvif 0.1.7 (no types of its own) the camera driver uses, as measured in
// shared/docs/onvif-node.md. Underscore members are private to node-onvif: the driver
// touches only the ones named in drivers/onvif/calls.ts, each for a documented bug.
declare module 'node-onvif' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingHttpHeaders } from 'node:http';

  export interface OnvifProbeResult {
    urn: string;
    /** the onvif://www.onvif.org/name/ scope, `_` turned into spaces */
    name: string;
    hardware: string;
    location: string;
    types: string[] | string;
    xaddrs: string[];
    scopes: string[];
  }

  export interface OnvifDeviceInformation {
    Manufacturer: string;
    Model: string;
    FirmwareVersion: string;
    SerialNumber: string;
    HardwareId: string;
  }

  export interface OnvifProfile {
    token: string;
    name: string;
    snapshot: string;
    stream: { udp: string; http: string; rtsp: string };
    video: {
      source: { token: string; name: string; bounds: { width: number; height: number; x: number; y: number } } | null;
      encoder: { token: string; name: string; resolution: { width: number; height: number }; quality: number; framerate: number; bitrate: number; encoding: string } | null;
    };
  }

  export interface OnvifSoapResult {
    soap: string;
    converted: unknown;
    data: unknown;
  }

  export interface OnvifDeviceService {
    time_diff: number;
    getSystemDateAndTime(): Promise<OnvifSoapResult>;
  }

  export interface OnvifDevice extends EventEmitter {
    address: string;
    xaddr: string;
    /** camera clock − local Date.now(), ms, learnt from GetSystemDateAndTime */
    time_diff: number;
    services: { device: OnvifDeviceService; media: unknown; ptz: unknown; events: unknown };
    init(): Promise<OnvifDeviceInformation>;
    getInformation(): OnvifDeviceInformation | null;
    getCurrentProfile(): OnvifProfile | null;
    getProfileList(): OnvifProfile[];
    fetchSnapshot(): Promise<{ headers: IncomingHttpHeaders; body: Buffer }>;
    /** private: init() step 1 (replaced per instance by calls.ts, see there) */
    _getSystemDateAndTime?: () => Promise<void>;
  }

  export interface NodeOnvif {
    OnvifDevice: new (params: { xaddr: string; user?: string; pass?: string }) => OnvifDevice;
    startProbe(): Promise<OnvifProbeResult[]>;
    stopProbe(): Promise<void>;
    /** private: how long startProbe listens, ms (default 3000) */
    _DISCOVERY_WAIT: number;
  }

  const onvif: NodeOnvif;
  export default onvif;
}
