# Sanitizer builds apply to every target in the tree (ours and the tests).
if(KEYWARD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(KEYWARD_TSAN)
  # g++ 12 warns (-Wtsan) about Asio's atomic_thread_fence, which TSan does not model; the
  # fences are not what our tests check.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  add_link_options(-fsanitize=thread)
endif()
