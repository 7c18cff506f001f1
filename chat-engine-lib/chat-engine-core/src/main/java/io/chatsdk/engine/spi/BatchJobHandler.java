package io.chatsdk.engine.spi;

import java.util.List;

/**
 * Does several jobs of one kind at once (see {@link JobQueue#registerBatched}): an indexer that writes a batch in one
 * transaction instead of one per job. Returning normally acknowledges every job of the batch. Throwing makes the queue
 * run the jobs of the batch again, each alone ({@link #handleEach}), so that a job that fails by itself is retried and
 * dead-lettered by itself and does not take the others with it. Delivery is at least once, as for {@link JobHandler}.
 */
@FunctionalInterface
public interface BatchJobHandler {
    /** @param jobs one or more jobs of the kind, in the order the queue handed them over */
    void handle(List<Job> jobs) throws Exception;

    /**
     * What a queue does with a batch: runs it, and if that fails, each job alone, in order. Once two jobs in a row have
     * failed alone, the rest are not run and count as failed with the second one's error: a failure of the whole
     * system (the database down) then costs three runs, not one per job. Returns each job's failure, {@code null} for
     * one that is done. Errors other than exceptions count as failures too, so that a queue's worker survives them.
     */
    default Throwable[] handleEach(List<Job> jobs) {
        Throwable[] failures = new Throwable[jobs.size()];
        try {
            handle(jobs);
            return failures;
        } catch (Exception | Error e) {
            if (jobs.size() == 1) {
                failures[0] = e;
                return failures;
            }
        }
        Throwable last = null;
        int inARow = 0;
        for (int i = 0; i < jobs.size(); i++) {
            if (inARow >= 2) {
                failures[i] = last;
                continue;
            }
            try {
                handle(List.of(jobs.get(i)));
                inARow = 0;
            } catch (Exception | Error alone) {
                failures[i] = alone;
                last = alone;
                inARow++;
            }
        }
        return failures;
    }
}
