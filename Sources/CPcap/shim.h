#ifndef FLOWCSV_CPCAP_SHIM_H
#define FLOWCSV_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
