-- 005_transfer_outcomes: what acs-inventory needs beyond 004 to record each
-- transfer outcome exactly once, whichever of the request's rpc.result and
-- the CPE's TransferComplete it receives first.
--
-- complete_message_id: the transfer.complete or autonomous.transfer.complete
-- message that recorded the outcome. A redelivered completion finds itself
-- here and changes nothing (without it, a second delivery would find no
-- pending transfer and be recorded again as an unmatched one).
-- result_at: completed_at of the rpc.result that last set the row, so an
-- older or repeated result never overwrites a newer one.
-- is_download becomes nullable: a TransferComplete for which no request is
-- known does not say which way the file went (method 'Unknown' until the
-- request's rpc.result arrives and fills it in).
ALTER TABLE transfers
    ADD COLUMN complete_message_id text,
    ADD COLUMN result_at timestamptz,
    ALTER COLUMN is_download DROP NOT NULL;
CREATE UNIQUE INDEX transfers_complete_message ON transfers (complete_message_id)
    WHERE complete_message_id IS NOT NULL;
