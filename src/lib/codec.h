/* codec.h - placeholder. */
#ifndef PKIT_CODEC_H
#define PKIT_CODEC_H
#endif
