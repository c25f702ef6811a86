DROP INDEX roster_swaps_status;
DROP INDEX roster_swaps_counterpart;
DROP INDEX roster_swaps_requester;
DROP TABLE roster_swaps;
