// ONVIF cameras (issue 8) through node-onvif: discovery and the camera driver. See README.md.
export { discoverCameras, MIN_DISCOVERY_MS, type DiscoveredCamera } from './discover.ts';
export { OnvifCameraDriver, type OnvifCameraOptions, type CameraFrame, type CameraStatus, type CameraState, type OnvifCameraStats } from './driver.ts';
export { CameraError, type CameraErrorKind } from './calls.ts';
export { inspectJpeg, type JpegOk, type JpegBad } from './jpeg.ts';
