#include "api/http/order_actions.hpp"

#include "commands/order_commands.hpp"
#include "commands/order_process.hpp"

namespace chronicle::api {

void run_order_action(app_services& s, commands::command_meta meta, order_action a, commands::command_callback done) {
  if (a.action == "set_delivery_date") {
    orders::change_delivery_date c;
    c.id = a.id;
    c.requested_delivery_date = a.requested_delivery_date;
    return s.exec.submit(commands::order_commands::change_delivery_date(meta, std::move(c)), std::move(done));
  }
  // The order process runs the stock steps of cancel (release) and dispatch (commit).
  commands::order_process::transition(s.exec, meta, orders::transition{a.id, a.action, a.reason}, std::nullopt,
                                      std::move(done));
}

}  // namespace chronicle::api
