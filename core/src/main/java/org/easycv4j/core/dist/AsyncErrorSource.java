package org.easycv4j.core.dist;

import java.util.Optional;

/**
 * Something that fails on its own time, not in a call: an NCCL communicator whose peer died while its kernels
 * wait on the device. {@link CollectiveWatchdog} polls it and ends the process on the first error.
 */
interface AsyncErrorSource {
    /**
     * The error, as one line naming the failed operation and the library's description of it; empty while
     * there is none. Called from the watchdog's thread, concurrently with the owner's own calls.
     */
    Optional<String> asyncError();
}
