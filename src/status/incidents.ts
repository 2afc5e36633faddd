// How the status page learns of incidents: an interface the incidents module (issue 13) implements and
// the control room hands to the status module. Incidents come in Statuspage's v2 shape, so the API passes
// them through unchanged, with `drill` (an incident a GameDay opened on purpose: marked on the page, kept
// out of uptime) and `severity` as additive fields. Without an incidents module the control room passes
// none, and the page and the API show no incidents — which is then simply true.

export type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved' | 'postmortem';
export type IncidentImpact = 'none' | 'minor' | 'major' | 'critical';

export interface StatuspageIncidentUpdate {
  id: string;
  status: IncidentStatus;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: Array<{ code: string; name: string; old_status: string; new_status: string }> | null;
  deliver_notifications: boolean;
  custom_tweet: null;
  tweet_id: null;
}

export interface StatuspageIncident {
  id: string;
  name: string;
  status: IncidentStatus;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: IncidentImpact;
  shortlink: string;
  started_at: string;
  page_id: string;
  /** Newest first, as Statuspage lists them. */
  incident_updates: StatuspageIncidentUpdate[];
  /** Ids of the components it affects (the API expands them into components). */
  component_ids: string[];
  drill: boolean;
  severity?: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
}

export interface StatusIncidents {
  /** Incidents not resolved yet, newest first. */
  unresolved(): Promise<StatuspageIncident[]>;
  /** Incidents created or updated within the last `days` days, newest first. */
  recent(days: number): Promise<StatuspageIncident[]>;
}
