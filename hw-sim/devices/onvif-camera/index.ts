// The simulated ONVIF camera (issue 8): start one with startSimCamera; README in hw-sim/README.md.
export { startSimCamera, type SimCamera, type SimCameraOptions, type SimCameraFaults, type SimCameraFaultName, type SimCameraStats } from './camera.ts';
export { gradientJpeg, gradientSource, corruptJpeg, type FrameSource, type JpegCorruption } from './picture.ts';
export { startDiscoveryResponder, WSD_GROUP, WSD_PORT, type DiscoveryOptions, type DiscoveryResponder } from './discovery.ts';
