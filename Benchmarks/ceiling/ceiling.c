/*
 * ceiling: the "how fast could it be" reference for flowcsv's benchmark (Benchmarks/run.sh).
 *
 * The least work that still turns a capture into per-flow rows: libpcap's pcap_next_ex loop,
 * Ethernet (+ 802.1Q/802.1ad tags) / raw IP, IPv4 (options, fragments) / IPv6 (a few extension
 * headers), TCP/UDP ports, a canonical bidirectional 5-tuple in an open-addressing hash table
 * (linear probing, grows at 1/2 load) with per-direction packet and byte counters and
 * first/last timestamps, then one CSV line per flow on stdout. No timeouts, no TCP state, no
 * labels, no statistics: flowcsv does more, this is the bound it is compared with.
 *
 * The hash is a full-avalanche mix of every key word (the murmur3 64-bit finalizer, chained over
 * the five 8-byte words of the key), so the hostile key shapes of the benchmark (one address pair
 * with every port, sequential sources, a NAT's sequential ports) keep probe chains short: build
 * with -DPROBE_STATS to print the mean and longest probe sequence of the lookups on stderr.
 *
 *   gcc -O2 -o ceiling ceiling.c $(pkg-config --cflags --libs libpcap)
 *   ceiling FILE... > flows.csv        (a summary line goes to stderr)
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct key {
    uint8_t lo[16], hi[16]; /* the smaller endpoint (address, then port) first */
    uint16_t lo_port, hi_port;
    uint8_t proto, family; /* family 4 or 6; 0 marks an empty slot */
    uint8_t pad[2];
};

struct flow {
    struct key key;
    uint32_t hash;
    uint8_t first_dir; /* 0: first packet went lo -> hi */
    uint64_t packets[2], bytes[2];
    int64_t first_ns, last_ns;
};

static struct flow *table;
static size_t capacity, used;
#ifdef PROBE_STATS
static uint64_t probe_lookups, probe_steps, probe_max;
#endif

static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint32_t hash_key(const struct key *k) {
    uint64_t words[5];
    memcpy(words, k, sizeof words);
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 5; i++) h = mix64(h ^ words[i]) + i;
    return (uint32_t)h;
}

static void grow(void) {
    size_t old_capacity = capacity;
    struct flow *old = table;
    capacity = capacity ? capacity * 2 : 1 << 16;
    table = calloc(capacity, sizeof *table);
    if (!table) {
        perror("ceiling: calloc");
        exit(1);
    }
    for (size_t i = 0; i < old_capacity; i++) {
        if (!old[i].key.family) continue;
        size_t j = old[i].hash & (capacity - 1);
        while (table[j].key.family) j = (j + 1) & (capacity - 1);
        table[j] = old[i];
    }
    free(old);
}

static struct flow *lookup(const struct key *k) {
    uint32_t h = hash_key(k);
    size_t j = h & (capacity - 1);
#ifdef PROBE_STATS
    uint64_t steps = 1;
    probe_lookups++;
#define PROBE_DONE() (probe_steps += steps, probe_max = steps > probe_max ? steps : probe_max)
#else
#define PROBE_DONE() ((void)0)
#endif
    for (;;) {
        struct flow *f = &table[j];
        if (!f->key.family) break;
        if (f->hash == h && memcmp(&f->key, k, sizeof *k) == 0) {
            PROBE_DONE();
            return f;
        }
        j = (j + 1) & (capacity - 1);
#ifdef PROBE_STATS
        steps++;
#endif
    }
    PROBE_DONE();
    if ((used + 1) * 2 > capacity) {
        grow();
        j = h & (capacity - 1);
        while (table[j].key.family) j = (j + 1) & (capacity - 1);
    }
    struct flow *f = &table[j];
    f->key = *k;
    f->hash = h;
    used++;
    return f;
}

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint64_t packets_total, packets_not_ip;

static void packet(int linktype, const struct pcap_pkthdr *h, const uint8_t *d, int64_t ts) {
    uint32_t n = h->caplen, off = 0;
    uint16_t et;
    if (linktype == DLT_EN10MB) {
        if (n < 14) goto not_ip;
        et = be16(d + 12);
        off = 14;
        while ((et == 0x8100 || et == 0x88a8) && off + 4 <= n) {
            et = be16(d + off + 2);
            off += 4;
        }
    } else if (linktype == DLT_RAW || linktype == 12 /* DLT_RAW on some systems */) {
        if (n < 1) goto not_ip;
        et = (d[0] >> 4) == 6 ? 0x86dd : 0x0800;
    } else {
        goto not_ip;
    }

    struct key k;
    memset(&k, 0, sizeof k);
    const uint8_t *src, *dst;
    int alen;
    uint8_t proto;
    uint32_t l4; /* offset of the transport header, 0 when there are no ports to read */
    if (et == 0x0800) {
        if (off + 20 > n || (d[off] >> 4) != 4) goto not_ip;
        uint32_t ihl = (uint32_t)(d[off] & 15) * 4;
        proto = d[off + 9];
        src = d + off + 12;
        dst = d + off + 16;
        alen = 4;
        k.family = 4;
        l4 = (be16(d + off + 6) & 0x1fff) ? 0 : off + ihl;
    } else if (et == 0x86dd) {
        if (off + 40 > n || (d[off] >> 4) != 6) goto not_ip;
        proto = d[off + 6];
        src = d + off + 8;
        dst = d + off + 24;
        alen = 16;
        k.family = 6;
        l4 = off + 40;
        for (int hops = 0; hops < 8 && l4; hops++) {
            if (proto == 0 || proto == 43 || proto == 60) {
                if (l4 + 8 > n) { l4 = 0; break; }
                proto = d[l4];
                l4 += (uint32_t)(d[l4 + 1] + 1) * 8;
            } else if (proto == 44) {
                if (l4 + 8 > n) { l4 = 0; break; }
                uint16_t frag = be16(d + l4 + 2) & 0xfff8;
                proto = d[l4];
                l4 = frag ? 0 : l4 + 8;
            } else if (proto == 51) {
                if (l4 + 8 > n) { l4 = 0; break; }
                proto = d[l4];
                l4 += (uint32_t)(d[l4 + 1] + 2) * 4;
            } else {
                break;
            }
        }
    } else {
        goto not_ip;
    }

    uint16_t sport = 0, dport = 0;
    if (l4 && (proto == 6 || proto == 17) && l4 + 4 <= n) {
        sport = be16(d + l4);
        dport = be16(d + l4 + 2);
    }
    int c = memcmp(src, dst, alen);
    int dir = c > 0 || (c == 0 && sport > dport);
    memcpy(k.lo, dir ? dst : src, alen);
    memcpy(k.hi, dir ? src : dst, alen);
    k.lo_port = dir ? dport : sport;
    k.hi_port = dir ? sport : dport;
    k.proto = proto;

    struct flow *f = lookup(&k);
    if (f->packets[0] + f->packets[1] == 0) {
        f->first_dir = (uint8_t)dir;
        f->first_ns = ts;
    }
    f->packets[dir]++;
    f->bytes[dir] += h->len;
    f->last_ns = ts;
    return;
not_ip:
    packets_not_ip++;
}

static void print_flows(FILE *out) {
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    fputs("StartTime,EndTime,ClientIP,ClientPort,ServerIP,ServerPort,Protocol,FwdPackets,FwdBytes,BwdPackets,BwdBytes\n", out);
    for (size_t i = 0; i < capacity; i++) {
        const struct flow *f = &table[i];
        if (!f->key.family) continue;
        int af = f->key.family == 4 ? AF_INET : AF_INET6;
        int fwd = f->first_dir; /* index of the client -> server direction */
        const uint8_t *client = fwd ? f->key.hi : f->key.lo, *server = fwd ? f->key.lo : f->key.hi;
        inet_ntop(af, client, a, sizeof a);
        inet_ntop(af, server, b, sizeof b);
        fprintf(out, "%lld.%09lld,%lld.%09lld,%s,%u,%s,%u,%u,%llu,%llu,%llu,%llu\n",
                (long long)(f->first_ns / 1000000000), (long long)(f->first_ns % 1000000000),
                (long long)(f->last_ns / 1000000000), (long long)(f->last_ns % 1000000000),
                a, fwd ? f->key.hi_port : f->key.lo_port, b, fwd ? f->key.lo_port : f->key.hi_port,
                f->key.proto,
                (unsigned long long)f->packets[fwd], (unsigned long long)f->bytes[fwd],
                (unsigned long long)f->packets[!fwd], (unsigned long long)f->bytes[!fwd]);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: ceiling FILE... > flows.csv\n");
        return 2;
    }
    grow();
    int status = 0;
    for (int i = 1; i < argc; i++) {
        char errbuf[PCAP_ERRBUF_SIZE];
        pcap_t *p = pcap_open_offline_with_tstamp_precision(argv[i], PCAP_TSTAMP_PRECISION_NANO, errbuf);
        if (!p) {
            fprintf(stderr, "ceiling: %s: %s\n", argv[i], errbuf);
            status = 1;
            continue;
        }
        int linktype = pcap_datalink(p);
        struct pcap_pkthdr *h;
        const u_char *data;
        int r;
        while ((r = pcap_next_ex(p, &h, &data)) == 1) {
            packets_total++;
            packet(linktype, h, data, (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec);
        }
        if (r == PCAP_ERROR) {
            fprintf(stderr, "ceiling: %s: %s\n", argv[i], pcap_geterr(p));
            status = 1;
        }
        pcap_close(p);
    }
    print_flows(stdout);
    fprintf(stderr, "ceiling: %llu packets, %zu flows, %llu not IP\n", (unsigned long long)packets_total, used,
            (unsigned long long)packets_not_ip);
#ifdef PROBE_STATS
    fprintf(stderr, "ceiling: probes per lookup: mean %.3f, max %llu (%llu lookups)\n",
            probe_lookups ? (double)probe_steps / (double)probe_lookups : 0.0, (unsigned long long)probe_max,
            (unsigned long long)probe_lookups);
#endif
    return status;
}
