// The simulated ONVIF camera (issue 8): start one with startSimCamera; README in hw-sim/README.md.
export { startSimCamera, type SimCamera, type SimCameraOptions, type SimCameraFaults, type SimCameraFaultName, type SimCameraStats } from './camera.ts';
export { gradientJpeg, gradientSource, skySource, corruptJpeg, CHICHIJIMA, type FrameSource, type JpegCorruption, type SkySourceOptions } from './picture.ts';
export { startDiscoveryResponder, WSD_GROUP, WSD_PORT, type DiscoveryOptions, type DiscoveryResponder } from './discovery.ts';
