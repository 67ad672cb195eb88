/*
 * cuda_sync_count.c: an LD_PRELOAD library that counts the CUDA runtime calls which make the host wait for
 * the GPU, so a benchmark can say how often a training step stalls its launching thread.
 *
 * What counts as a host synchronisation, and why these functions:
 *   cudaDeviceSynchronize, cudaStreamSynchronize, cudaEventSynchronize
 *       wait, by definition, until queued GPU work is done.
 *   cudaMemcpy, cudaMemcpy2D (the synchronous ones, not the *Async ones)
 *       return only when the copy is complete, after all earlier work on the legacy default stream; a
 *       device-to-host read such as tensor.item() is the usual culprit (PyTorch issues it as
 *       cudaMemcpyAsync + cudaStreamSynchronize, which is counted through the latter).
 *   cudaFree, cudaFreeHost
 *       synchronise the whole device implicitly before releasing memory; a caching allocator that keeps
 *       calling them (fragmentation, empty_cache, an out-of-memory retry) stalls every step.
 *   The per-thread-default-stream variants (cudaStreamSynchronize_ptsz, cudaMemcpy_ptds,
 *   cudaMemcpy2D_ptds) count under their plain names.
 * Not counted: calls that may block only sometimes (cudaMalloc, cudaMemset, cudaStreamQuery, ...).
 * A step that launches kernels without any of these calls lets the CPU run ahead of the GPU; every
 * counted call is a point where the CPU idles until the GPU catches up.
 *
 * Use:
 *   cc -shared -fPIC -O2 -o libcudasync.so tools/lib/cuda_sync_count.c -ldl -lpthread
 *   LD_PRELOAD=$PWD/libcudasync.so python3 bench/pytorch/mae_step.py device=cuda ...
 * and read the counters from inside the process:
 *   long easycv4j_cuda_syncs(void)                      total of all counted calls so far
 *   int  easycv4j_cuda_sync_report(char *buf, int len)  "cudaStreamSynchronize=3 cudaFree=1": the nonzero
 *        counters in the order listed above, one space apart, "" when none; writes at most len - 1
 *        characters and a NUL, returns the length of the whole report (as snprintf does)
 * e.g. from Python: ctypes.CDLL(None).easycv4j_cuda_syncs (the preload puts it in the global scope).
 * A process that cannot call them (a JVM) can set EASYCV4J_CUDA_SYNC_REPORT=1: at exit one line
 *   easycv4j_cuda_syncs total=N cudaStreamSynchronize=3 ...
 * goes to stderr. EASYCV4J_CUDA_SYNC_VERBOSE=1 prints, once per function, where the real one was found.
 *
 * Why interposing works although libtorch is loaded privately: a library's undefined references are bound
 * through the global scope first (the executable, its dependencies and LD_PRELOAD), only then through the
 * library's own local scope, so the wrappers here win even over a libcudart that was dlopen'ed with
 * RTLD_LOCAL (the JVM's System.load, DJL's libtorch with its hashed libcudart-<hash>.so.12, pip torch with
 * the nvidia wheels' libcudart.so.12). libcudart's symbols are versioned (cudaFree@@libcudart.so.12), and
 * the dynamic linker accepts an unversioned definition for a versioned reference, so this file must stay
 * without a version script. It cannot see a statically linked cudart: a count that stays 0 across a
 * torch.cuda.synchronize() means the calls bypass it.
 *
 * No CUDA headers are needed: the few types are declared below with the ABI they have in
 * cuda_runtime_api.h (cudaError_t and cudaMemcpyKind are enums, passed as int).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int cudaError_t;
typedef int cudaMemcpyKind;
typedef void *cudaStream_t;
typedef void *cudaEvent_t;

/* cudaErrorUnknown: what a caller gets when no real function exists to forward to. */
#define CUDA_ERROR_UNKNOWN 999

enum {
    C_DEVICE_SYNC, C_STREAM_SYNC, C_EVENT_SYNC, C_MEMCPY, C_MEMCPY2D, C_FREE, C_FREE_HOST, C_COUNT
};
static const char *const counter_names[C_COUNT] = {
    "cudaDeviceSynchronize", "cudaStreamSynchronize", "cudaEventSynchronize", "cudaMemcpy", "cudaMemcpy2D",
    "cudaFree", "cudaFreeHost",
};
static atomic_long counters[C_COUNT];
static atomic_long total;
static atomic_int missing_reported;

static int verbose(void) {
    const char *v = getenv("EASYCV4J_CUDA_SYNC_VERBOSE");
    return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

/*
 * The libcudart already mapped into the process, when dlsym(RTLD_NEXT) cannot see it because it was loaded
 * RTLD_LOCAL. RTLD_NOLOAD never loads a second copy (which would be a separate, uninitialised runtime);
 * the handle is kept open so that the cached function pointers cannot outlive the library.
 */
static void *find_in_loaded_cudart(const char *name, char *found_path, size_t found_len) {
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL)
        return NULL;
    char line[4096];
    char last[4096] = "";
    void *fn = NULL;
    while (fn == NULL && fgets(line, sizeof line, maps) != NULL) {
        char *path = strchr(line, '/');
        if (path == NULL)
            continue;
        path[strcspn(path, "\n")] = '\0';
        const char *base = strrchr(path, '/') + 1;
        /* One library is mapped in several segments; try each file once. */
        if (strncmp(base, "libcudart", 9) != 0 || strcmp(path, last) == 0)
            continue;
        snprintf(last, sizeof last, "%s", path);
        void *handle = dlopen(path, RTLD_NOLOAD | RTLD_LAZY);
        if (handle == NULL)
            continue;
        fn = dlsym(handle, name);
        if (fn != NULL)
            snprintf(found_path, found_len, "%s", path);
        else
            dlclose(handle);
    }
    fclose(maps);
    return fn;
}

static void *resolve(const char *name, void *_Atomic *cache) {
    void *fn = atomic_load_explicit(cache, memory_order_acquire);
    if (fn != NULL)
        return fn;
    char path[4096] = "";
    const char *how = "dlsym(RTLD_NEXT)";
    fn = dlsym(RTLD_NEXT, name);
    if (fn == NULL) {
        fn = find_in_loaded_cudart(name, path, sizeof path);
        how = "/proc/self/maps";
    }
    if (fn == NULL) {
        if (atomic_exchange(&missing_reported, 1) == 0)
            fprintf(stderr, "cuda_sync_count: no loaded libcudart defines %s; returning cudaErrorUnknown (%d)\n",
                    name, CUDA_ERROR_UNKNOWN);
        return NULL;
    }
    /* Racing threads find the same pointer, so a plain store is enough. */
    atomic_store_explicit(cache, fn, memory_order_release);
    if (verbose())
        fprintf(stderr, "cuda_sync_count: %s via %s%s%s\n", name, how, *path ? " " : "", path);
    return fn;
}

static void bump(int which) {
    atomic_fetch_add_explicit(&counters[which], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&total, 1, memory_order_relaxed);
}

/* One wrapper per exported function: count, then forward with the same arguments. */
#define WRAP(which, name, params, args)                                        \
    cudaError_t name params {                                                  \
        static void *_Atomic real;                                             \
        bump(which);                                                           \
        cudaError_t (*fn) params = (cudaError_t (*) params) resolve(#name, &real); \
        return fn != NULL ? fn args : CUDA_ERROR_UNKNOWN;                      \
    }

WRAP(C_DEVICE_SYNC, cudaDeviceSynchronize, (void), ())
WRAP(C_STREAM_SYNC, cudaStreamSynchronize, (cudaStream_t stream), (stream))
WRAP(C_STREAM_SYNC, cudaStreamSynchronize_ptsz, (cudaStream_t stream), (stream))
WRAP(C_EVENT_SYNC, cudaEventSynchronize, (cudaEvent_t event), (event))
WRAP(C_MEMCPY, cudaMemcpy, (void *dst, const void *src, size_t count, cudaMemcpyKind kind),
     (dst, src, count, kind))
WRAP(C_MEMCPY, cudaMemcpy_ptds, (void *dst, const void *src, size_t count, cudaMemcpyKind kind),
     (dst, src, count, kind))
WRAP(C_MEMCPY2D, cudaMemcpy2D,
     (void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height, cudaMemcpyKind kind),
     (dst, dpitch, src, spitch, width, height, kind))
WRAP(C_MEMCPY2D, cudaMemcpy2D_ptds,
     (void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height, cudaMemcpyKind kind),
     (dst, dpitch, src, spitch, width, height, kind))
WRAP(C_FREE, cudaFree, (void *ptr), (ptr))
WRAP(C_FREE_HOST, cudaFreeHost, (void *ptr), (ptr))

long easycv4j_cuda_syncs(void) {
    return atomic_load(&total);
}

int easycv4j_cuda_sync_report(char *buf, int len) {
    int need = 0;
    for (int i = 0; i < C_COUNT; i++) {
        long n = atomic_load(&counters[i]);
        if (n == 0)
            continue;
        size_t room = buf != NULL && len > need ? (size_t) (len - need) : 0;
        int wrote = snprintf(room ? buf + need : NULL, room, "%s%s=%ld", need ? " " : "", counter_names[i], n);
        if (wrote < 0)
            return -1;
        need += wrote;
    }
    if (need == 0 && buf != NULL && len > 0)
        buf[0] = '\0';
    return need;
}

__attribute__((destructor)) static void report_at_exit(void) {
    const char *v = getenv("EASYCV4J_CUDA_SYNC_REPORT");
    if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
        return;
    char buf[512];
    easycv4j_cuda_sync_report(buf, sizeof buf);
    fprintf(stderr, "easycv4j_cuda_syncs total=%ld%s%s\n", easycv4j_cuda_syncs(), *buf ? " " : "", buf);
}
