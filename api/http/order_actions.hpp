#pragma once
// Internal to api/http: one action on one order, as the batch route runs it
// for each order: a lifecycle verb through the order process (a
// cancellation releases the order's reservations, a dispatch commits them,
// each on its product's stream) or a new delivery date on the order stream.
#include <string>

#include "api/http/handlers.hpp"

namespace chronicle::api {

struct order_action {
  std::string action;  // confirm | process | ready | dispatch | deliver | cancel | set_delivery_date
  std::string id;
  std::string requested_delivery_date;  // set_delivery_date
  std::string reason;                   // cancel
};

// `done` gets the order command's outcome (or its rejection), after the
// stock steps have run.
void run_order_action(app_services& s, commands::command_meta meta, order_action a, commands::command_callback done);

}  // namespace chronicle::api
