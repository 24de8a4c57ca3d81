// Declarations only: see include/ChronicleFuzzDriver.h.
#include "ChronicleFuzzDriver.h"
