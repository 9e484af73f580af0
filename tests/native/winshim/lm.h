/* tests/native/winshim/lm.h -- <lm.h> for the native build of the DLL's
 * test programs: the public header of libnetapi32.so. */
#ifndef WINSHIM_LM_H
#define WINSHIM_LM_H
#include <netapi32_native.h>
#endif
