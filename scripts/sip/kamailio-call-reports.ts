/** Kamailio's own string escaping for a double-quoted literal. */
export const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The call reports (server/routes/sip-calls.ts), form-encoded with the routing token: a session's INVITE, which
 * the backend authorizes (a live session, its caller ID still allowed, a number or a colleague dialled) before
 * the call goes anywhere; the answer, naming the session whose branch won; and the end, from the dialog module
 * (a BYE from either side or the dialog's timeout: 200 with the seconds connected; a failed call: its final
 * response).
 */
export function callReportRoutes(o: { callsUrl: string; token: string }): string {
  const post = (path: string, body: string, result = '$var(answer)') =>
    `http_client_query(${quote(o.callsUrl + path)}, "${body}", "Authorization: Bearer ${o.token}", "${result}")`;
  const escape = (pv: string) => `$(${pv}{s.escape.param}{s.replace,+,%2B})`;
  return `route[CALL_PLACED] {
  if (isflagset(FLT_SRC_WS)) {
    $var(body) = "callId=" + ${escape('ci')} + "&from=" + ${escape('fU')} + "&to=" + ${escape('rU')};
    $var(code) = ${post('', '$var(body)')};
    xlog("L_INFO", "CALL PLACED $fU -> $rU: $var(code)\\n");
    if ($var(code) == 400) {
      sl_send_reply("484", "Address Incomplete");
      exit;
    }
    if ($var(code) == 401 || $var(code) == 403 || $var(code) == 404) {
      sl_send_reply("403", "Forbidden (the backend refused the call)");
      exit;
    }
    if ($var(code) != 204) {
      sl_send_reply("503", "Service Unavailable");
      exit;
    }
  }
  dlg_manage();
}

# The session a branch rings, by the contact its branch goes to (the answer names the branch by it).
route[REMEMBER_LEG] {
  if (!reg_fetch_contacts("location", "sip:$var(user)@$var(domain)", "c")) return;
  $var(j) = 0;
  while ($var(j) < $(ulc(c=>count))) {
    $sht(notify_legs=>$ci::$(ulc(c=>addr)[$var(j)])) = $var(user);
    $var(j) = $var(j) + 1;
  }
  reg_free_contacts("c");
}

route[CALL_ANSWERED] {
  if ($sht(notify_legs=>$ci::answered) != $null) return;
  $sht(notify_legs=>$ci::answered) = 1;
  $var(body) = "callId=" + ${escape('ci')};
  $var(by) = "";
  if ($sht(notify_legs=>$ci::$T_branch(uri)) != $null) {
    $var(by) = $sht(notify_legs=>$ci::$T_branch(uri));
    $var(body) = $var(body) + "&answeredBy=" + $var(by);
  }
  $var(code) = ${post('/answered', '$var(body)')};
  xlog("L_INFO", "CALL ANSWERED by [$var(by)]: $var(code)\\n");
}

event_route[dialog:end] {
  $var(body) = "callId=" + ${escape('dlg(callid)')} + "&code=200&duration=" + $DLG_lifetime;
  $var(code) = ${post('/ended', '$var(body)')};
  xlog("L_INFO", "CALL ENDED after $DLG_lifetime s: $var(code)\\n");
}

event_route[dialog:failed] {
  $var(status) = 408;
  if (is_reply() && $rs >= 300) $var(status) = $rs;
  $var(body) = "callId=" + ${escape('dlg(callid)')} + "&code=" + $var(status);
  $var(code) = ${post('/ended', '$var(body)')};
  xlog("L_INFO", "CALL FAILED $var(status): $var(code)\\n");
}
`;
}
