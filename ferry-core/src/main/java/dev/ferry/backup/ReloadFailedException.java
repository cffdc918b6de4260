package dev.ferry.backup;

/**
 * A reload that was applied only in part: backups it was to start did not start (a filter the source refuses,
 * credentials refused). Its message names them and why; the rest of the reload is applied, those backups do not run,
 * and a later reload of the same file tries them again.
 */
public final class ReloadFailedException extends Exception {

    private final transient ReloadPlan plan;

    ReloadFailedException(String message, ReloadPlan plan) {
        super(message);
        this.plan = plan;
    }

    /** The reload's plan, of which all but the backups named in the message is applied. */
    public ReloadPlan plan() {
        return plan;
    }
}
