/* x509.h - placeholder. */
#ifndef PKIT_X509_H
#define PKIT_X509_H
#endif
