/* otp.h - placeholder. */
#ifndef PKIT_OTP_H
#define PKIT_OTP_H
#endif
