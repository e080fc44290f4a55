; Assembly listing for method EdgeConv.Kernels.Optimized.GemmInt8Vector128:Tile(byref,byref,byref,byref,byref,byref,int,System.Span`1[int]) (FullOpts)
; Emitting BLENDED_CODE for generic ARM64 on Unix
; FullOpts code
; optimized code
; fp based frame
; fully interruptible
; No PGO data
; 0 inlinees with PGO data; 26 single block inlinees; 8 inlinees without PGO data

G_M000_IG01:
            stp     fp, lr, [sp, #-0x10]!
            mov     fp, sp
 
G_M000_IG02:
            movi    v16.4s, #0
            movi    v17.4s, #0
            movi    v18.4s, #0
            movi    v19.4s, #0
            movi    v20.4s, #0
            movi    v21.4s, #0
            movi    v22.4s, #0
            movi    v23.4s, #0
            mov     w7, wzr
            ldr     x8, [fp, #0x10]
            ldr     w9, [fp, #0x18]
            sub     w10, w6, #16
            cmp     w7, w10
            bgt     G_M000_IG04
            align   [0 bytes for IG03]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG03:
            sxtw    x11, w7
            ldr     q24, [x0, x11]
            ldr     q25, [x1, x11]
            mov     v26.16b, v24.16b
            sxtl    v26.8h, v26.8b
            sxtl2   v24.8h, v24.16b
            mov     v27.16b, v25.16b
            sxtl    v27.8h, v27.8b
            sxtl2   v25.8h, v25.16b
            lsl     x13, x11, #1
            add     x11, x2, x13
            ldp     q28, q29, [x11]
            mul     v30.8h, v26.8h, v28.8h
            mul     v31.8h, v24.8h, v29.8h
            add     v30.8h, v30.8h, v31.8h
            mov     v31.16b, v30.16b
            sxtl    v31.4s, v31.4h
            sxtl2   v30.4s, v30.8h
            add     v30.4s, v31.4s, v30.4s
            add     v16.4s, v16.4s, v30.4s
            mul     v28.8h, v27.8h, v28.8h
            mul     v29.8h, v25.8h, v29.8h
            add     v28.8h, v28.8h, v29.8h
            mov     v29.16b, v28.16b
            sxtl    v29.4s, v29.4h
            sxtl2   v28.4s, v28.8h
            add     v28.4s, v29.4s, v28.4s
            add     v20.4s, v20.4s, v28.4s
            add     x11, x3, x13
            ldp     q28, q29, [x11]
            mul     v30.8h, v26.8h, v28.8h
            mul     v31.8h, v24.8h, v29.8h
            add     v30.8h, v30.8h, v31.8h
            mov     v31.16b, v30.16b
            sxtl    v31.4s, v31.4h
            sxtl2   v30.4s, v30.8h
            add     v30.4s, v31.4s, v30.4s
            add     v17.4s, v17.4s, v30.4s
            mul     v28.8h, v27.8h, v28.8h
            mul     v29.8h, v25.8h, v29.8h
            add     v28.8h, v28.8h, v29.8h
            mov     v29.16b, v28.16b
            sxtl    v29.4s, v29.4h
            sxtl2   v28.4s, v28.8h
            add     v28.4s, v29.4s, v28.4s
            add     v21.4s, v21.4s, v28.4s
            add     x11, x4, x13
            ldp     q28, q29, [x11]
            mul     v30.8h, v26.8h, v28.8h
            mul     v31.8h, v24.8h, v29.8h
            add     v30.8h, v30.8h, v31.8h
            mov     v31.16b, v30.16b
            sxtl    v31.4s, v31.4h
            sxtl2   v30.4s, v30.8h
            add     v30.4s, v31.4s, v30.4s
            add     v18.4s, v18.4s, v30.4s
            mul     v28.8h, v27.8h, v28.8h
            mul     v29.8h, v25.8h, v29.8h
            add     v28.8h, v28.8h, v29.8h
            mov     v29.16b, v28.16b
            sxtl    v29.4s, v29.4h
            sxtl2   v28.4s, v28.8h
            add     v28.4s, v29.4s, v28.4s
            add     v22.4s, v22.4s, v28.4s
            add     x13, x5, x13
            ldp     q28, q29, [x13]
            mul     v26.8h, v26.8h, v28.8h
            mul     v24.8h, v24.8h, v29.8h
            add     v24.8h, v26.8h, v24.8h
            mov     v26.16b, v24.16b
            sxtl    v26.4s, v26.4h
            sxtl2   v24.4s, v24.8h
            add     v24.4s, v26.4s, v24.4s
            add     v19.4s, v19.4s, v24.4s
            mul     v24.8h, v27.8h, v28.8h
            mul     v25.8h, v25.8h, v29.8h
            add     v24.8h, v24.8h, v25.8h
            mov     v25.16b, v24.16b
            sxtl    v25.4s, v25.4h
            sxtl2   v24.4s, v24.8h
            add     v24.4s, v25.4s, v24.4s
            add     v23.4s, v23.4s, v24.4s
            add     w7, w7, #16
            cmp     w7, w10
            ble     G_M000_IG03
 
G_M000_IG04:
            sub     w10, w6, #8
            cmp     w7, w10
            bgt     G_M000_IG06
 
G_M000_IG05:
            sxtw    x11, w7
            ldr     x10, [x0, x11]
            ins     v24.d[0], x10
            sxtl    v24.8h, v24.8b
            ldr     x10, [x1, x11]
            ins     v25.d[0], x10
            sxtl    v25.8h, v25.8b
            lsl     x13, x11, #1
            ldr     q26, [x2, x13]
            mul     v27.8h, v24.8h, v26.8h
            mov     v28.16b, v27.16b
            sxtl    v28.4s, v28.4h
            sxtl2   v27.4s, v27.8h
            add     v27.4s, v28.4s, v27.4s
            add     v16.4s, v16.4s, v27.4s
            mul     v26.8h, v25.8h, v26.8h
            mov     v27.16b, v26.16b
            sxtl    v27.4s, v27.4h
            sxtl2   v26.4s, v26.8h
            add     v26.4s, v27.4s, v26.4s
            add     v20.4s, v20.4s, v26.4s
            ldr     q26, [x3, x13]
            mul     v27.8h, v24.8h, v26.8h
            mov     v28.16b, v27.16b
            sxtl    v28.4s, v28.4h
            sxtl2   v27.4s, v27.8h
            add     v27.4s, v28.4s, v27.4s
            add     v17.4s, v17.4s, v27.4s
            mul     v26.8h, v25.8h, v26.8h
            mov     v27.16b, v26.16b
            sxtl    v27.4s, v27.4h
            sxtl2   v26.4s, v26.8h
            add     v26.4s, v27.4s, v26.4s
            add     v21.4s, v21.4s, v26.4s
            ldr     q26, [x4, x13]
            mul     v27.8h, v24.8h, v26.8h
            mov     v28.16b, v27.16b
            sxtl    v28.4s, v28.4h
            sxtl2   v27.4s, v27.8h
            add     v27.4s, v28.4s, v27.4s
            add     v18.4s, v18.4s, v27.4s
            mul     v26.8h, v25.8h, v26.8h
            mov     v27.16b, v26.16b
            sxtl    v27.4s, v27.4h
            sxtl2   v26.4s, v26.8h
            add     v26.4s, v27.4s, v26.4s
            add     v22.4s, v22.4s, v26.4s
            ldr     q26, [x5, x13]
            mul     v24.8h, v24.8h, v26.8h
            mov     v27.16b, v24.16b
            sxtl    v27.4s, v27.4h
            sxtl2   v24.4s, v24.8h
            add     v24.4s, v27.4s, v24.4s
            add     v19.4s, v19.4s, v24.4s
            mul     v24.8h, v25.8h, v26.8h
            mov     v25.16b, v24.16b
            sxtl    v25.4s, v25.4h
            sxtl2   v24.4s, v24.8h
            add     v24.4s, v25.4s, v24.4s
            add     v23.4s, v23.4s, v24.4s
            add     w7, w7, #8
 
G_M000_IG06:
            cbz     w9, G_M000_IG24
            addv    s16, v16.4s
            smov    x10, v16.s[0]
            mov     w11, wzr
            sxtw    w13, w7
            cmp     w7, w6
            bge     G_M000_IG08
            align   [4 bytes for IG07]
            align   [4 bytes]
            align   [4 bytes]
            align   [4 bytes]
 
G_M000_IG07:
            ldrsb   w14, [x0, w13, SXTW #2]
            ldrsh   w12, [x2, w13, SXTW #2]
            madd    w11, w14, w12, w11
            add     w13, w13, #1
            cmp     w13, w6
            blt     G_M000_IG07
 
G_M000_IG08:
            add     w10, w10, w11
            str     w10, [x8]
            cmp     w9, #1
            bls     G_M000_IG24
            add     x10, x8, #4
            addv    s16, v17.4s
            smov    x11, v16.s[0]
            mov     w13, wzr
            sxtw    w14, w7
            cmp     w7, w6
            bge     G_M000_IG10
            align   [0 bytes for IG09]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG09:
            ldrsb   w12, [x0, w14, SXTW #2]
            ldrsh   w15, [x3, w14, SXTW #2]
            madd    w13, w12, w15, w13
            add     w14, w14, #1
            cmp     w14, w6
            blt     G_M000_IG09
 
G_M000_IG10:
            add     w11, w11, w13
            str     w11, [x10]
            cmp     w9, #2
            bls     G_M000_IG24
            add     x10, x8, #8
            addv    s16, v18.4s
            smov    x11, v16.s[0]
            mov     w13, wzr
            sxtw    w14, w7
            cmp     w7, w6
            bge     G_M000_IG12
            align   [0 bytes for IG11]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG11:
            ldrsb   w12, [x0, w14, SXTW #2]
            ldrsh   w15, [x4, w14, SXTW #2]
            madd    w13, w12, w15, w13
            add     w14, w14, #1
            cmp     w14, w6
            blt     G_M000_IG11
 
G_M000_IG12:
            add     w11, w11, w13
            str     w11, [x10]
            cmp     w9, #3
            bls     G_M000_IG24
            add     x10, x8, #12
            addv    s16, v19.4s
            smov    x11, v16.s[0]
            mov     w13, wzr
            sxtw    w14, w7
            cmp     w7, w6
            bge     G_M000_IG14
            align   [0 bytes for IG13]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG13:
            ldrsb   w12, [x0, w14, SXTW #2]
            ldrsh   w15, [x5, w14, SXTW #2]
            madd    w13, w12, w15, w13
            add     w14, w14, #1
            cmp     w14, w6
            blt     G_M000_IG13
 
G_M000_IG14:
            add     w0, w11, w13
            str     w0, [x10]
            cmp     w9, #4
            bls     G_M000_IG24
            add     x0, x8, #16
            addv    s16, v20.4s
            smov    x10, v16.s[0]
            mov     w11, wzr
            sxtw    w13, w7
            cmp     w7, w6
            bge     G_M000_IG16
            align   [4 bytes for IG15]
            align   [4 bytes]
            align   [4 bytes]
            align   [4 bytes]
 
G_M000_IG15:
            ldrsb   w14, [x1, w13, SXTW #2]
            ldrsh   w12, [x2, w13, SXTW #2]
            madd    w11, w14, w12, w11
            add     w13, w13, #1
            cmp     w13, w6
            blt     G_M000_IG15
 
G_M000_IG16:
            add     w2, w10, w11
            str     w2, [x0]
            cmp     w9, #5
            bls     G_M000_IG24
            add     x0, x8, #20
            addv    s16, v21.4s
            smov    x2, v16.s[0]
            mov     w10, wzr
            sxtw    w11, w7
            cmp     w7, w6
            bge     G_M000_IG18
            align   [0 bytes for IG17]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG17:
            ldrsb   w13, [x1, w11, SXTW #2]
            ldrsh   w14, [x3, w11, SXTW #2]
            madd    w10, w13, w14, w10
            add     w11, w11, #1
            cmp     w11, w6
            blt     G_M000_IG17
 
G_M000_IG18:
            add     w2, w2, w10
            str     w2, [x0]
            cmp     w9, #6
            bls     G_M000_IG24
            add     x0, x8, #24
            addv    s16, v22.4s
            smov    x2, v16.s[0]
            mov     w3, wzr
            sxtw    w10, w7
            cmp     w7, w6
            bge     G_M000_IG20
            align   [0 bytes for IG19]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG19:
            ldrsb   w11, [x1, w10, SXTW #2]
            ldrsh   w13, [x4, w10, SXTW #2]
            madd    w3, w11, w13, w3
            add     w10, w10, #1
            cmp     w10, w6
            blt     G_M000_IG19
 
G_M000_IG20:
            add     w2, w2, w3
            str     w2, [x0]
            cmp     w9, #7
            bls     G_M000_IG24
            add     x0, x8, #28
            addv    s16, v23.4s
            smov    x2, v16.s[0]
            mov     w3, wzr
            cmp     w7, w6
            bge     G_M000_IG22
            align   [0 bytes for IG21]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG21:
            ldrsb   w4, [x1, w7, SXTW #2]
            ldrsh   w8, [x5, w7, SXTW #2]
            madd    w3, w4, w8, w3
            add     w7, w7, #1
            cmp     w7, w6
            blt     G_M000_IG21
 
G_M000_IG22:
            add     w1, w2, w3
            str     w1, [x0]
 
G_M000_IG23:
            ldp     fp, lr, [sp], #0x10
            ret     lr
 
G_M000_IG24:
            bl      CORINFO_HELP_RNGCHKFAIL
            brk     #0
 
; Total bytes of code 1240
