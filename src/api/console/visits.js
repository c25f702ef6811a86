// A ticket's on-site visits on its page, with their quotes.

/** The section of a ticket's page that shows its visits (filled in later). */
export function ticketVisits() {
  return null;
}
