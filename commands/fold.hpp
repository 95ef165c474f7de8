#pragma once
// The end of every command handler, written once: the events decide()
// returned, each folded into the state by `evolve` and encoded by
// `encode_event`, and the state after them encoded by `encode_state`.
// REQUIRES: `events` was decided against `state` before it was moved here.
#include <utility>
#include <vector>

#include "commands/executor.hpp"

namespace chronicle::commands {

template <class State, class Event, class Evolve, class EncodeEvent, class EncodeState>
result<decision> fold_decision(State state, result<std::vector<Event>> events, Evolve&& evolve,
                               EncodeEvent&& encode_event, EncodeState&& encode_state) {
  if (!events) return std::move(events).err();
  decision d;
  for (auto& e : *events) {
    state = evolve(std::move(state), e);
    d.events.push_back(encode_event(e));
  }
  d.state = encode_state(state);
  return d;
}

}  // namespace chronicle::commands
